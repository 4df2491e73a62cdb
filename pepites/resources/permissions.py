"""Who may do what with resources: the one place where it is decided (as for initiatives).

- visitor: read the published resources;
- centre member: create resources for their centre(s), edit, publish and see the history
  of the resources one of their centres produced;
- national team (and administrators): everything, for every centre.
"""

from __future__ import annotations

from collections.abc import Iterable

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from pepites.core.roles import is_national_team
from pepites.network.roles import centre_ids_of
from pepites.resources.models import Resource

User = AbstractBaseUser | AnonymousUser


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_create_resource(user: User, *, centre_ids: Iterable[int] = ()) -> bool:
    """With no centre given: may the user create resources at all (the workspace link)."""
    if not _active(user):
        return False
    if is_national_team(user):
        return True
    mine = centre_ids_of(user)
    wanted = set(centre_ids)
    return bool(mine) and (not wanted or wanted <= mine)


def can_edit_resource(user: User, resource: Resource) -> bool:
    if not _active(user):
        return False
    if is_national_team(user):
        return True
    return bool(centre_ids_of(user) & set(resource.centres.values_list("pk", flat=True)))


can_publish_resource = can_edit_resource
can_view_resource_history = can_edit_resource


def can_view_resource(user: User, resource: Resource) -> bool:
    return resource.is_published or can_edit_resource(user, resource)


def editable_resources(user: User) -> QuerySet[Resource]:
    if not _active(user):
        return Resource.objects.none()
    if is_national_team(user):
        return Resource.objects.all()
    return Resource.objects.filter(centres__in=centre_ids_of(user)).distinct()


@rules.predicate
def _edit(user, resource):
    return resource is not None and can_edit_resource(user, resource)


rules.add_perm("resources.change_resource", _edit)
rules.add_perm("resources.publish_resource", _edit)
rules.add_perm("resources.view_history_resource", _edit)
