"""The link's key: `<id>.<secret>` signed with a salt naming its purpose.

Three locks, each enough against guessing or reuse: the secret is 32 random bytes whose
SHA-256 alone is stored (compared in constant time); the signature (SECRET_KEY, salt per
purpose) refuses any forged or altered key before the database is read, and a key made for
one purpose is refused for another; the row says whether it expired, was used or revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.checkins.models import CheckinLink

SALT = "pepites.checkins.{purpose}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """(secret for the e-mail, its hash for the database)."""
    secret = secrets.token_urlsafe(32)
    return secret, hash_secret(secret)


def make_key(*, link: CheckinLink, secret: str) -> str:
    return signing.Signer(salt=SALT.format(purpose=link.purpose)).sign(f"{link.pk}.{secret}")


class LinkRefused(Exception):
    """Why a link cannot be used, in French; `status` is the HTTP answer (404 or 410)."""

    def __init__(self, message, *, status: int = 404, link: CheckinLink | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.status = status
        self.link = link


INVALID = _(
    "Ce lien n'est pas valide : vérifiez qu'il a été copié en entier depuis le courriel, "
    "ou demandez-en un nouveau au centre de ressources."
)


def read_key(key: str, *, purpose: str, for_update: bool = False) -> CheckinLink:
    """The link a key designates, usable now for `purpose`; LinkRefused otherwise."""
    try:
        value = signing.Signer(salt=SALT.format(purpose=purpose)).unsign(key)
        pk_text, secret = value.split(".", 1)
        pk = int(pk_text)
    except (signing.BadSignature, ValueError):
        raise LinkRefused(INVALID) from None
    queryset = CheckinLink.objects.select_related("initiative", "initiative__centre")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    link = queryset.filter(pk=pk, purpose=purpose).first()
    if link is None or not hmac.compare_digest(link.secret_hash, hash_secret(secret)):
        raise LinkRefused(INVALID)
    if link.used_at is not None:
        raise LinkRefused(
            _("Vous avez déjà répondu avec ce lien, le %(date)s : merci !")
            % {"date": timezone.localtime(link.used_at).strftime("%d/%m/%Y")},
            status=410,
            link=link,
        )
    if link.revoked_at is not None:
        raise LinkRefused(
            _("Ce lien a été remplacé par un plus récent : utilisez celui du dernier courriel."),
            status=410,
            link=link,
        )
    if link.expires_at <= timezone.now():
        raise LinkRefused(
            _("Ce lien a expiré : demandez-en un nouveau au centre de ressources."),
            status=410,
            link=link,
        )
    return link
