"""Two-factor authentication of accounts (django-otp): a TOTP application plus single-use
recovery codes. Required for the national team and the administrators, offered to every
account."""

from __future__ import annotations

import secrets
from typing import cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.core.roles import is_national_team

RECOVERY_CODES = 10
DEVICE_NAME = "application"
RECOVERY_NAME = "codes de secours"


def requires_two_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The national team, staff and administrators must use a second factor."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    account = cast(User, user)
    return bool(account.is_staff or account.is_superuser or is_national_team(user))


def has_two_factor(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(*, user: AbstractBaseUser) -> TOTPDevice:
    """The application being set up (not yet confirmed by a code), created if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _new_codes() -> list[str]:
    return [
        f"{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**4):04d}"
        for _ in range(RECOVERY_CODES)
    ]


@transaction.atomic
def new_recovery_codes(*, user: AbstractBaseUser) -> list[str]:
    """Replace the recovery codes: shown once, each usable once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
    device.token_set.all().delete()
    codes = _new_codes()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def confirm_enrolment(*, user: AbstractBaseUser, code: str) -> list[str] | None:
    """The first code of the application confirms it; returns the recovery codes, or None
    when the code is wrong."""
    device = pending_device(user=user)
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(action=Action.TWO_FACTOR, actor=user, details={"etat": "activée"})
    return new_recovery_codes(user=user)


def _digits(code: str) -> str:
    return "".join(str(code or "").split())


def verify_code(*, user: AbstractBaseUser, code: str):
    """The device that accepts this code (the application, or a recovery code, then used
    up), or None. django-otp slows down repeated failures."""
    code = _digits(code)
    if not code:
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


@transaction.atomic
def disable_two_factor(*, user: AbstractBaseUser) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(action=Action.TWO_FACTOR, actor=user, details={"etat": "désactivée"})


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user).count()
