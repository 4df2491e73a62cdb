"""The roles of a user in the network: member or manager of centres (a `Membership`).
The national team and the administrators are core's (pepites/core/roles.py)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import QuerySet

from pepites.core.roles import is_active
from pepites.network.models import Centre, Membership


def centres_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Centre]:
    """The centres the user is a member of (none for a visitor or an inactive account)."""
    if not is_active(user):
        return Centre.objects.none()
    return Centre.objects.filter(memberships__user=cast(User, user)).order_by("name")


def centre_ids_of(user: AbstractBaseUser | AnonymousUser) -> set[int]:
    """Ids of the user's centres, read once per request and kept on the user object."""
    if not is_active(user):
        return set()
    cached = getattr(user, "_pepites_centre_ids", None)
    if cached is None:
        mine = Membership.objects.filter(user=cast(User, user))
        cached = set(mine.values_list("centre_id", flat=True))
        user._pepites_centre_ids = cached  # type: ignore[union-attr]
    return cached


def is_centre_member(user: AbstractBaseUser | AnonymousUser, centre: Centre | None) -> bool:
    if centre is None:
        return False
    return centre.pk in centre_ids_of(user)


def is_centre_manager(user: AbstractBaseUser | AnonymousUser, centre: Centre | None) -> bool:
    if centre is None or not is_active(user):
        return False
    return Membership.objects.filter(
        user=cast(User, user), centre=centre, role=Membership.Role.MANAGER
    ).exists()


def forget_roles(user: AbstractBaseUser | AnonymousUser) -> None:
    """Drop what was read about the user's centres (after a membership changes)."""
    user.__dict__.pop("_pepites_centre_ids", None)
