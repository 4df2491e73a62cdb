"""A visitor's proposal: a new initiative or a correction of a published one, checked field
by field, rate-limited, and routed to the centre covering the commune.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.core import ratelimit
from pepites.core.richtext import clean_markdown
from pepites.core.validators import validate_no_bidi_controls
from pepites.initiatives.contributions.emails import notify_submission
from pepites.initiatives.field_groups import CASE_STUDY_FIELDS, RICH_TEXT_FIELDS
from pepites.initiatives.models import (
    Initiative,
    InitiativeStatus,
    Proposal,
    ProposalKind,
)
from pepites.initiatives.services import _resolve_commune, _resolve_themes
from pepites.network.selectors import centre_for_commune

# What a visitor may send: the short form of a new initiative, and the fields of a
# published one they may correct.
NEW_FIELDS = (
    "title",
    "summary",
    "porteur_name",
    "commune_code",
    "theme_slugs",
    "actions",
    "results",
    "address",
    "website",
)
CORRECTABLE_FIELDS = (*CASE_STUDY_FIELDS, "porteur_name", "address")
TEXT_LIMITS = {
    "title": 200,
    "summary": 600,
    "porteur_name": 200,
    "address": 300,
    "website": 500,
    "context": 5000,
    "actions": 5000,
    "results": 5000,
    "replication": 5000,
}


BIDI_CHECKED_FIELDS = ("title", "summary", "porteur_name")


class RateLimited(Exception):
    """Too many proposals from one address (IP or e-mail) within the hour."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Vous avez envoyé beaucoup de propositions en peu de temps : merci de "
                "réessayer dans une heure. Rien n'a été enregistré."
            )
        )


def _text(value: Any, name: str) -> str:
    text = str(value or "").strip()
    text = clean_markdown(text) if name in RICH_TEXT_FIELDS else " ".join(text.split())
    if name in BIDI_CHECKED_FIELDS:
        try:
            validate_no_bidi_controls(text)
        except ValidationError as exc:
            raise ValidationError({name: exc.messages}) from exc
    limit = TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        raise ValidationError(
            {
                name: _("%(limit)s caractères au plus (%(length)s saisis).")
                % {"limit": limit, "length": len(text)}
            }
        )
    return text


def clean_new_data(data: dict[str, Any]) -> dict[str, Any]:
    """The fields of a proposed initiative, checked; ValidationError names the field."""
    unknown = set(data) - set(NEW_FIELDS)
    if unknown:
        raise TypeError(f"Unknown proposal fields: {sorted(unknown)}")
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in NEW_FIELDS:
        if name in ("commune_code", "theme_slugs"):
            continue
        try:
            cleaned[name] = _text(data.get(name), name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    for name in ("title", "summary", "porteur_name"):
        if not cleaned.get(name) and name not in errors:
            errors[name] = [_("Ce champ est obligatoire.")]
    if cleaned.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(cleaned["website"])
        except ValidationError:
            errors["website"] = [_("Saisissez une adresse web complète, ex. https://exemple.fr.")]
    try:
        cleaned["commune_code"] = _resolve_commune(str(data.get("commune_code") or "").upper()).code
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        themes, _principal = _resolve_themes(list(data.get("theme_slugs") or []), None)
        cleaned["theme_slugs"] = [theme.slug for theme in themes]
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_correction_data(data: dict[str, Any], *, initiative: Initiative) -> dict[str, Any]:
    """Only the fields that differ from the initiative as published."""
    unknown = set(data) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown correction fields: {sorted(unknown)}")
    changed: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in CORRECTABLE_FIELDS:
        if name not in data:
            continue
        try:
            value = _text(data[name], name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if name in ("title", "summary", "porteur_name") and not value:
            errors[name] = [_("Ce champ ne peut pas être vidé.")]
        elif value != _text(getattr(initiative, name), name):
            changed[name] = value
    if errors:
        raise ValidationError(errors)
    return changed


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {
                "proposer_email": _(
                    "Saisissez une adresse électronique valide, ex. prenom@exemple.fr."
                )
            }
        ) from exc
    return email


def _rate_limit_keys(*, ip: str, email: str) -> list[str]:
    return [
        "proposal:ip:" + ratelimit.hashed(ip),
        "proposal:email:" + ratelimit.hashed(email.lower()),
    ]


@transaction.atomic
def submit_proposal(
    *,
    kind: str,
    data: dict[str, Any],
    proposer_email: str,
    consent: bool,
    ip: str,
    proposer_name: str = "",
    message: str = "",
    initiative: Initiative | None = None,
) -> Proposal:
    """Record a visitor's proposal and route it to the centre covering the commune (for a
    correction: the initiative's referent centre), or to the national team.

    Raises ValidationError (by field) on bad input and RateLimited past
    PROPOSALS_PER_HOUR from one IP or e-mail address; nothing is recorded then.
    """
    if not consent:
        raise ValidationError(
            {"consent": _("Cochez la case pour accepter que nous conservions votre adresse.")}
        )
    email = _clean_email(proposer_email)
    message = clean_markdown(message)[:3000]
    if kind == ProposalKind.NEW:
        cleaned = clean_new_data(data)
        commune = _resolve_commune(cleaned["commune_code"])
        centre = centre_for_commune(commune_code=commune.code)
        initiative = None
        base_version = None
    elif kind == ProposalKind.CORRECTION:
        if initiative is None or initiative.status != InitiativeStatus.PUBLISHED:
            raise ValidationError(_("Seule une initiative publiée peut recevoir une correction."))
        cleaned = clean_correction_data(data, initiative=initiative)
        if not cleaned and not message.strip():
            raise ValidationError(
                {"message": _("Modifiez au moins un champ ou décrivez la correction ici.")}
            )
        commune, centre, base_version = initiative.commune, initiative.centre, initiative.version
    else:
        raise ValueError(f"Unknown proposal kind: {kind!r}")
    if not ratelimit.consume(
        keys=_rate_limit_keys(ip=ip, email=email),
        limit=settings.PROPOSALS_PER_HOUR,
        window=timedelta(hours=1),
    ):
        raise RateLimited
    proposal = Proposal.objects.create(
        kind=kind,
        initiative=initiative,
        base_version=base_version,
        data=cleaned,
        message=message,
        commune=commune,
        centre=centre,
        proposer_name=" ".join(proposer_name.split())[:150],
        proposer_email=email,
        consent_at=timezone.now(),
        ip_hash=ratelimit.hashed(ip),
    )
    notify_submission(proposal)  # queued with the proposal, in the same transaction
    return proposal
