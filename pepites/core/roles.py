"""The roles of Pépites, shared by every domain's permission rules.

- visitor: no account;
- centre member: a user attached to a centre (the contribution work adds the membership model);
- national team: members of the Django group below, for every centre and the uncovered territories;
- administrator: `is_superuser`, everything through Django's admin.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

NATIONAL_TEAM_GROUP = "equipe_nationale"


def is_national_team(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=NATIONAL_TEAM_GROUP).exists()
