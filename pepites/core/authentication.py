"""Login by e-mail address, with a limit on failed attempts that every process shares.

The Django User model is kept: the e-mail address is matched case-insensitively; an account
without an address (e.g. made by `createsuperuser`) can still use its user name. Failed
attempts are counted in the database (pepites/core/ratelimit.py) per account and per
client address; past LOGIN_FAILURE_LIMIT the login is refused for LOGIN_LOCKOUT_SECONDS,
whatever the password, on the site and in the admin alike.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.core import ratelimit

# One address may try several accounts (a shared office) before it is stopped.
ADDRESS_FACTOR = 4


def _keys(identifier: str, request: HttpRequest | None) -> tuple[str, str | None]:
    account = "login:account:" + ratelimit.hashed(identifier.strip().lower())
    address = None
    if request is not None:
        address = "login:ip:" + ratelimit.hashed(ratelimit.client_ip(request))
    return account, address


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def is_login_locked(*, identifier: str, request: HttpRequest | None) -> bool:
    account, address = _keys(identifier, request)
    limit = settings.LOGIN_FAILURE_LIMIT
    if ratelimit.is_over(key=account, limit=limit, window=_window()):
        return True
    return address is not None and ratelimit.is_over(
        key=address, limit=limit * ADDRESS_FACTOR, window=_window()
    )


def find_user_by_login(identifier: str):
    """The one account with this e-mail address (any case), or with this user name."""
    User = get_user_model()
    identifier = identifier.strip()
    if "@" in identifier:
        users = list(User.objects.filter(email__iexact=identifier)[:2])
        if len(users) == 1:
            return users[0]
    return User.objects.filter(username=identifier).first()


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        identifier = (email or username or "").strip()
        if not identifier or password is None:
            return None
        if is_login_locked(identifier=identifier, request=request):
            record(action=Action.LOCKOUT, actor_label=identifier)
            # Stops every backend: authenticate() returns None and signals a failed login.
            raise PermissionDenied
        user = find_user_by_login(identifier)
        if user is None:
            get_user_model()().set_password(password)  # same time whether the account exists
        elif user.check_password(password) and self.user_can_authenticate(user):
            account, _address = _keys(identifier, request)
            ratelimit.clear(key=account)
            record(action=Action.LOGIN, actor=user)
            return user
        record(action=Action.LOGIN_FAILED, actor_label=identifier)
        account, address = _keys(identifier, request)
        ratelimit.record(key=account)
        if address:
            ratelimit.record(key=address)
        return None
