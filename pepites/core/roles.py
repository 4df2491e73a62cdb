"""The roles of Pépites, shared by every domain's permission rules.

- visitor: no account;
- centre member: a user attached to a centre (pepites/network/roles.py, member or manager);
- national team: members of the Django group below, for every centre and the uncovered territories;
- administrator: `is_superuser`, everything through Django's admin.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin

NATIONAL_TEAM_GROUP = "equipe_nationale"


def is_national_team(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    account = cast(PermissionsMixin, user)
    if account.is_superuser:
        return True
    return account.groups.filter(name=NATIONAL_TEAM_GROUP).exists()


def is_active(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A signed-in, active account."""
    return bool(user.is_authenticated and user.is_active)
