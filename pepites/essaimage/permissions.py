"""Who may do what with the requests "M'en inspirer": the one place where it is decided.

- visitor: send a request (the public form), nothing else;
- centre member (member or manager): see and follow (state, member in charge, notes,
  reproduction) the requests of their centre, as the initiative's referring centre or as the
  centre of the requester's territory: both centres see the same request and its notes;
- national team: every request, and those that no centre receives;
- administrator: the same as the national team (and the admin).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from pepites.core.roles import is_active, is_national_team
from pepites.essaimage.models import InspirationRequest
from pepites.network.roles import centre_ids_of

User = AbstractBaseUser | AnonymousUser


def visible_requests(user: User) -> QuerySet[InspirationRequest]:
    if not is_active(user):
        return InspirationRequest.objects.none()
    if is_national_team(user):
        return InspirationRequest.objects.all()
    centres = centre_ids_of(user)
    return InspirationRequest.objects.filter(
        Q(referring_centre_id__in=centres) | Q(local_centre_id__in=centres)
    )


def can_view_request(user: User, request: InspirationRequest) -> bool:
    if not is_active(user):
        return False
    if is_national_team(user):
        return True
    centres = centre_ids_of(user)
    return request.referring_centre_id in centres or request.local_centre_id in centres


def can_follow_request(user: User, request: InspirationRequest) -> bool:
    """Change its state, take it in charge, add a note, link the reproduction."""
    return can_view_request(user, request)


def can_use_queue(user: User) -> bool:
    return is_active(user) and (is_national_team(user) or bool(centre_ids_of(user)))
