"""Contributions from the public: proposals of new initiatives and corrections of published
ones, their routing to a centre, their moderation, and the likely duplicates shown to the
moderator.

Writes (submit, accept, merge, reject) and the reads they need. Nothing of a proposal is
public until a moderator accepts it: accepting goes through the initiatives services
(validation, optimistic locking, history).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from pepites.core import ratelimit
from pepites.core.richtext import clean_markdown
from pepites.initiatives.models import (
    Initiative,
    InitiativeStatus,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from pepites.initiatives.services import (
    _resolve_commune,
    _resolve_themes,
    create_initiative,
    update_initiative,
)
from pepites.network.memberships import notification_emails
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
CORRECTABLE_FIELDS = (
    "title",
    "summary",
    "context",
    "actions",
    "results",
    "replication",
    "porteur_name",
    "address",
)
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
RICH_FIELDS = {"context", "actions", "results", "replication"}


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
    text = clean_markdown(text) if name in RICH_FIELDS else " ".join(text.split())
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


def _send(subject: str, template: str, context: dict[str, Any], recipients: Iterable[str]) -> None:
    recipients = list(recipients)
    if recipients:
        send_mail(subject, render_to_string(template, context), None, recipients)


def _workspace_url(proposal: Proposal) -> str:
    return settings.SITE_URL + reverse("workspace:proposal", kwargs={"pk": proposal.pk})


def _notify_submission(proposal: Proposal) -> None:
    context = {"proposal": proposal, "site_url": settings.SITE_URL}
    _send(
        _("Pépites : nous avons bien reçu votre proposition"),
        "web/contributions/emails/received.txt",
        context,
        [proposal.proposer_email],
    )
    _send(
        _("Pépites : nouvelle proposition à examiner — %(title)s") % {"title": proposal.title},
        "web/contributions/emails/to_moderate.txt",
        {**context, "url": _workspace_url(proposal)},
        notification_emails(centre=proposal.centre),
    )


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
    transaction.on_commit(lambda: _notify_submission(proposal))
    return proposal


def _lock_pending(proposal: Proposal) -> Proposal:
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("initiative", "centre", "commune")
        .get(pk=proposal.pk)
    )
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError(
            _("Cette proposition a déjà été traitée (%(status)s le %(date)s).")
            % {
                "status": locked.get_status_display().lower(),
                "date": timezone.localtime(locked.decided_at).strftime("%d/%m/%Y %H:%M")
                if locked.decided_at
                else "?",
            }
        )
    return locked


def _decide(
    proposal: Proposal,
    *,
    status: str,
    user: AbstractBaseUser | None,
    reason: str = "",
    initiative: Initiative | None = None,
) -> Proposal:
    proposal.status = status
    proposal.decided_at = timezone.now()
    proposal.decided_by = user if user is not None and user.is_authenticated else None
    proposal.decision_reason = reason
    if initiative is not None:
        proposal.initiative = initiative
    proposal.save()
    return proposal


def _notify_decision(proposal: Proposal) -> None:
    url = ""
    if proposal.initiative is not None and proposal.initiative.status == InitiativeStatus.PUBLISHED:
        url = settings.SITE_URL + reverse(
            "initiative_detail", kwargs={"slug": proposal.initiative.slug}
        )
    _send(
        _("Pépites : réponse à votre proposition « %(title)s »") % {"title": proposal.title},
        "web/contributions/emails/decision.txt",
        {"proposal": proposal, "url": url, "site_url": settings.SITE_URL},
        [proposal.proposer_email],
    )


@transaction.atomic
def accept_proposal(
    *,
    proposal: Proposal,
    user: AbstractBaseUser | None,
    fields: dict[str, Any],
    expected_version: int | None = None,
) -> Initiative:
    """Accept a proposal, possibly edited by the moderator (`fields`: the arguments of
    create_initiative for a new one, of update_initiative for a correction, whose
    `expected_version` is the version of the initiative the moderator read)."""
    proposal = _lock_pending(proposal)
    reason = _("Proposition n°%(pk)s acceptée") % {"pk": proposal.pk}
    if proposal.kind == ProposalKind.NEW:
        website = proposal.data.get("website")
        links = [(website, _("Site internet"))] if website else []
        initiative = create_initiative(
            **fields, links=links, history_user=user, history_reason=reason
        )
    else:
        if proposal.initiative is None:
            raise ValidationError(_("L'initiative à corriger n'existe plus."))
        initiative = update_initiative(
            initiative=proposal.initiative,
            expected_version=expected_version,
            history_user=user,
            history_reason=reason,
            **fields,
        )
    _decide(proposal, status=ProposalStatus.ACCEPTED, user=user, initiative=initiative)
    transaction.on_commit(lambda: _notify_decision(proposal))
    return initiative


@transaction.atomic
def merge_proposal(
    *,
    proposal: Proposal,
    target: Initiative,
    user: AbstractBaseUser | None,
    expected_version: int,
    fields: dict[str, Any],
) -> Initiative:
    """Fold a proposed initiative into an existing one (a duplicate), with the fields the
    moderator kept, under the target's optimistic locking."""
    proposal = _lock_pending(proposal)
    if proposal.kind != ProposalKind.NEW:
        raise ValidationError(_("Seule une proposition de nouvelle initiative se fusionne."))
    initiative = update_initiative(
        initiative=target,
        expected_version=expected_version,
        history_user=user,
        history_reason=_("Proposition n°%(pk)s fusionnée") % {"pk": proposal.pk},
        **fields,
    )
    _decide(proposal, status=ProposalStatus.MERGED, user=user, initiative=initiative)
    transaction.on_commit(lambda: _notify_decision(proposal))
    return initiative


@transaction.atomic
def reject_proposal(*, proposal: Proposal, user: AbstractBaseUser | None, reason: str) -> Proposal:
    """Refuse a proposal; the reason is sent to its author. Nothing of it is published."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Indiquez le motif du refus : il est envoyé à l'auteur.")}
        )
    proposal = _lock_pending(proposal)
    _decide(proposal, status=ProposalStatus.REJECTED, user=user, reason=reason[:3000])
    transaction.on_commit(lambda: _notify_decision(proposal))
    return proposal


# --- Reads --------------------------------------------------------------------------------


def get_proposal(*, pk: int) -> Proposal | None:
    return (
        Proposal.objects.select_related(
            "initiative__commune", "initiative__principal_theme", "centre", "commune", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )


def proposals_of(*, queryset: QuerySet[Proposal], status: str = "") -> QuerySet[Proposal]:
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("initiative", "centre", "commune")


def proposal_initial(*, proposal: Proposal) -> dict[str, Any]:
    """The values the moderator's form starts from: the proposed ones (for a correction,
    over the current initiative's)."""
    if proposal.kind == ProposalKind.CORRECTION and proposal.initiative is not None:
        initial = {name: getattr(proposal.initiative, name) for name in CORRECTABLE_FIELDS}
        initial.update(proposal.data)
        return initial
    return dict(proposal.data)


PROPOSAL_LABELS = {
    "title": _lazy("Titre"),
    "porteur_name": _lazy("Porteur"),
    "commune_code": _lazy("Commune (code INSEE)"),
    "theme_slugs": _lazy("Thématiques"),
    "summary": _lazy("Résumé"),
    "context": _lazy("Contexte et enjeu"),
    "actions": _lazy("Ce qui a été fait"),
    "results": _lazy("Résultats"),
    "replication": _lazy("Pour reproduire"),
    "address": _lazy("Adresse"),
    "website": _lazy("Site internet"),
}


def proposal_fields(*, proposal: Proposal) -> list[tuple[str, str]]:
    """(French label, value) of what was proposed, for the moderators' pages."""
    rows = []
    for name, value in proposal.data.items():
        if value in ("", None, []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        rows.append((str(PROPOSAL_LABELS.get(name, name)), str(value)))
    return rows


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    current: str
    proposed: str


def correction_changes(*, proposal: Proposal) -> list[FieldChange]:
    initiative = proposal.initiative
    if initiative is None:
        return []
    return [
        FieldChange(
            name=name,
            label=str(Initiative._meta.get_field(name).verbose_name),
            current=str(getattr(initiative, name) or ""),
            proposed=str(value or ""),
        )
        for name, value in proposal.data.items()
        if name in CORRECTABLE_FIELDS
    ]


# --- Likely duplicates --------------------------------------------------------------------

NEARBY_METRES = 1_000
TITLE_SIMILARITY = 0.6
PORTEUR_SIMILARITY = 0.8


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def similarity(a: str, b: str) -> float:
    """0 to 1: how alike two names are once accents, case and punctuation are set aside."""
    a, b = _normalise(a), _normalise(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.4 or matcher.quick_ratio() < 0.4:
        return matcher.quick_ratio() * 0.5
    return matcher.ratio()


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    scale = math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(lat2 - lat1, (lon2 - lon1) * scale) * 111_195


@dataclass
class Duplicate:
    initiative: Initiative
    score: float
    reasons: list[str] = field(default_factory=list)


def likely_duplicates(
    *,
    title: str,
    porteur_name: str = "",
    commune_code: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Duplicate]:
    """Initiatives that may be the same as the one described: a similar title or porteur,
    a point within ~1 km, the same commune. Best candidates first."""
    commune = None
    if commune_code:
        from pepites.territories.models import Commune

        commune = Commune.objects.filter(code=commune_code).first()
    where = Q(pk__in=[])
    if commune is not None:
        where |= Q(commune__departement_id=commune.departement_id)
    if latitude is not None and longitude is not None:
        dlat = NEARBY_METRES / 111_195
        dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
        where |= Q(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
    normalised_title = _normalise(title)
    if normalised_title:
        where |= Q(title__iexact=title.strip())
    candidates = Initiative.objects.filter(where).select_related("commune", "centre")
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    found: list[Duplicate] = []
    for initiative in candidates[:2000]:
        reasons: list[str] = []
        score = 0.0
        title_score = similarity(title, initiative.title)
        if title_score >= TITLE_SIMILARITY:
            reasons.append(_("titre proche (%(pct)s %%)") % {"pct": round(title_score * 100)})
            score += 2 * title_score
        if porteur_name:
            porteur_score = similarity(porteur_name, initiative.porteur_name)
            if porteur_score >= PORTEUR_SIMILARITY:
                reasons.append(_("même porteur ou presque"))
                score += 1.5 * porteur_score
        if (
            latitude is not None
            and longitude is not None
            and initiative.latitude is not None
            and initiative.longitude is not None
        ):
            metres = _metres(latitude, longitude, initiative.latitude, initiative.longitude)
            if metres <= NEARBY_METRES:
                reasons.append(_("à %(m)s m") % {"m": round(metres)})
                score += 1 - metres / NEARBY_METRES / 2
        same_commune = commune is not None and initiative.commune_id == commune.code
        if same_commune:
            reasons.append(_("même commune"))
            score += 0.5
        # The same commune alone scores low: a city has many initiatives.
        if reasons:
            found.append(Duplicate(initiative=initiative, score=score, reasons=reasons))
    found.sort(key=lambda d: (-d.score, d.initiative.title))
    return found[:limit]


def duplicates_of_proposal(*, proposal: Proposal, limit: int = 5) -> list[Duplicate]:
    data = proposal.data
    return likely_duplicates(
        title=data.get("title", ""),
        porteur_name=data.get("porteur_name", ""),
        commune_code=data.get("commune_code", ""),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        exclude_pk=proposal.initiative_id,
        limit=limit,
    )
