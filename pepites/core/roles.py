"""The roles of Pépites, shared by every domain's permission rules.

- visitor: no account;
- centre member: a user attached to a centre by a `network.Membership` (role member or manager);
- national team: members of the Django group below, for every centre and the uncovered territories;
- administrator: `is_superuser`, everything through Django's admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

if TYPE_CHECKING:
    from pepites.network.models import Centre

NATIONAL_TEAM_GROUP = "equipe_nationale"


def is_national_team(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=NATIONAL_TEAM_GROUP).exists()


def _is_active(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def centres_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Centre]:
    """The centres the user is a member of (none for a visitor or an inactive account)."""
    from pepites.network.models import Centre

    if not _is_active(user):
        return Centre.objects.none()
    return Centre.objects.filter(memberships__user=user).order_by("name")


def centre_ids_of(user: AbstractBaseUser | AnonymousUser) -> set[int]:
    """Ids of the user's centres, read once per request and kept on the user object."""
    if not _is_active(user):
        return set()
    cached = getattr(user, "_pepites_centre_ids", None)
    if cached is None:
        from pepites.network.models import Membership

        cached = set(Membership.objects.filter(user=user).values_list("centre_id", flat=True))
        user._pepites_centre_ids = cached
    return cached


def is_centre_member(user: AbstractBaseUser | AnonymousUser, centre: Centre | None) -> bool:
    if centre is None:
        return False
    return centre.pk in centre_ids_of(user)


def is_centre_manager(user: AbstractBaseUser | AnonymousUser, centre: Centre | None) -> bool:
    from pepites.network.models import Membership

    if centre is None or not _is_active(user):
        return False
    return Membership.objects.filter(
        user=user, centre=centre, role=Membership.Role.MANAGER
    ).exists()


def forget_roles(user: AbstractBaseUser | AnonymousUser) -> None:
    """Drop what was read about the user's centres (after a membership changes)."""
    user.__dict__.pop("_pepites_centre_ids", None)
