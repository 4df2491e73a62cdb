"""Who may manage the people of a centre (the initiatives' rules are in
pepites/initiatives/permissions.py).

- national team: invite to any centre, with any role, and remove anyone;
- a centre's members: invite colleagues to their centre; its managers also invite managers
  and remove members;
- everybody else: nothing.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from pepites.core.roles import is_national_team
from pepites.network.models import Centre, Membership
from pepites.network.roles import centre_ids_of, is_centre_manager, is_centre_member

User = AbstractBaseUser | AnonymousUser


def can_access_workspace(user: User) -> bool:
    return is_national_team(user) or bool(centre_ids_of(user))


def can_invite(user: User, centre: Centre, *, role: str = Membership.Role.MEMBER) -> bool:
    if is_national_team(user):
        return True
    if role == Membership.Role.MANAGER:
        return is_centre_manager(user, centre)
    return is_centre_member(user, centre)


def can_remove_member(user: User, membership: Membership) -> bool:
    if is_national_team(user):
        return True
    return membership.user_id != user.pk and is_centre_manager(user, membership.centre)


def can_view_members(user: User, centre: Centre) -> bool:
    return is_national_team(user) or is_centre_member(user, centre)
