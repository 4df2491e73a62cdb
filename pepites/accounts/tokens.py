"""Creating, checking and revoking personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.accounts.models import ApiToken, TokenScope
from pepites.audit.models import Action
from pepites.audit.services import record, valid_ip

TOKEN_PREFIX = "pep_"
MAX_TOKENS_PER_USER = 20
# The last use is written at most this often per token (one UPDATE, not one per request).
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once to its owner, never stored


def create_token(
    *,
    user: AbstractBaseUser,
    name: str,
    scope: TokenScope | str = TokenScope.READ,
    expires_at=None,
) -> NewToken:
    name = " ".join((name or "").split())
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choisissez « lecture » ou « lecture et écriture ».")})
    if not name:
        raise ValidationError({"name": _("Donnez un nom à ce jeton (ex. « site du centre »).")})
    if len(name) > 100:
        raise ValidationError({"name": _("100 caractères au plus.")})
    if not user.is_active:
        raise ValidationError(_("Ce compte est désactivé."))
    if active_tokens(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            _("%(n)s jetons actifs au plus : révoquez-en un.") % {"n": MAX_TOKENS_PER_USER}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=cast(User, user),
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(raw),
        scope=scope,
        expires_at=expires_at,
    )
    record(
        action=Action.TOKEN_CREATE,
        actor=user,
        target=token,
        details={"prefixe": token.prefix, "droits": token.scope},
    )
    return NewToken(token=token, raw=raw)


def active_tokens(*, user: AbstractBaseUser):
    now = timezone.now()
    return ApiToken.objects.filter(user=cast(User, user), revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def revoke_token(*, user: AbstractBaseUser, token_id: int) -> bool:
    revoked = bool(
        ApiToken.objects.filter(pk=token_id, user=cast(User, user), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
    if revoked:
        record(action=Action.TOKEN_REVOKE, actor=user, target=ApiToken.objects.get(pk=token_id))
    return revoked


def authenticate(raw: str, *, address: str | None = None) -> ApiToken | None:
    """The active token with this value, its user active; None otherwise. Its last use (and
    the client's address) is recorded, at most once per TOUCH_EVERY."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        address = valid_ip(address or "")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=address)
        token.last_used_at, token.last_used_ip = now, address
    return token
