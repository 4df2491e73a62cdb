"""Writes of the essaimage domain: a visitor's request "M'en inspirer", routed to the centres;
its follow-up (state, member in charge, notes, reproduction); the reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.core import ratelimit
from pepites.core.richtext import clean_markdown
from pepites.core.roles import is_national_team
from pepites.core.validators import validate_no_bidi_controls
from pepites.essaimage import emails, tally
from pepites.essaimage.models import (
    CLOSED_STATUSES,
    InspirationRequest,
    InspirationRequestTally,
    Need,
    RequesterKind,
    RequestNote,
    RequestStatus,
)
from pepites.essaimage.permissions import can_follow_request
from pepites.initiatives.inspirations import link_inspiration
from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.initiatives.services import _resolve_commune
from pepites.network.models import Membership
from pepites.network.selectors import centre_for_commune


class RateLimited(Exception):
    """Too many requests from one address (IP or e-mail) within the hour."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Vous avez envoyé beaucoup de demandes en peu de temps : merci de réessayer "
                "dans une heure. Rien n'a été enregistré."
            )
        )


def _short_text(value: str, *, name: str, limit: int, required: bool) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({name: _("Ce champ est obligatoire.")})
    if len(text) > limit:
        raise ValidationError(
            {
                name: _("%(limit)s caractères au plus (%(length)s saisis).")
                % {"limit": limit, "length": len(text)}
            }
        )
    try:
        validate_no_bidi_controls(text)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc
    return text


def _clean_request(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    for name, limit, required in (("requester_name", 150, True), ("organisation", 200, False)):
        try:
            cleaned[name] = _short_text(
                data.get(name, ""), name=name, limit=limit, required=required
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    project = clean_markdown(str(data.get("project") or "").strip())
    if not project:
        errors["project"] = [_("Décrivez votre projet en quelques lignes.")]
    elif len(project) > 2000:
        errors["project"] = [_("2000 caractères au plus (%(n)s saisis).") % {"n": len(project)}]
    cleaned["project"] = project
    email = str(data.get("requester_email") or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["requester_email"] = [
            _("Saisissez une adresse électronique valide, ex. prenom@exemple.fr.")
        ]
    cleaned["requester_email"] = email
    if data.get("requester_kind") not in RequesterKind.values:
        errors["requester_kind"] = [_("Choisissez le type de votre structure.")]
    cleaned["requester_kind"] = data.get("requester_kind")
    needs = list(dict.fromkeys(data.get("needs") or []))
    if any(need not in Need.values for need in needs):
        errors["needs"] = [_("Choix inconnu.")]
    cleaned["needs"] = needs
    try:
        cleaned["commune"] = _resolve_commune(str(data.get("commune_code") or "").upper())
    except ValidationError as exc:
        errors["commune"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def submit_request(
    *,
    initiative: Initiative,
    data: dict,
    consent: bool,
    ip: str,
    now: datetime | None = None,
) -> InspirationRequest:
    """Record a request and route it: the initiative's referring centre and the centre
    covering the requester's commune (the national team for either that is missing).

    `data`: requester_name, requester_email, organisation, requester_kind, commune_code,
    project, needs. Raises ValidationError (by field) and RateLimited past
    ESSAIMAGE_REQUESTS_PER_HOUR from one IP or e-mail; nothing is recorded then."""
    if initiative.status != InitiativeStatus.PUBLISHED:
        raise ValidationError(_("Seule une initiative publiée peut être demandée."))
    if not consent:
        raise ValidationError(
            {"consent": _("Cochez la case pour que les centres puissent vous répondre.")}
        )
    cleaned = _clean_request(data)
    keys = [
        "essaimage:ip:" + ratelimit.hashed(ip),
        "essaimage:email:" + ratelimit.hashed(cleaned["requester_email"].lower()),
    ]
    if not ratelimit.consume(
        keys=keys, limit=settings.ESSAIMAGE_REQUESTS_PER_HOUR, window=timedelta(hours=1)
    ):
        raise RateLimited
    now = now or timezone.now()
    request = InspirationRequest.objects.create(
        initiative=initiative,
        theme_id=initiative.principal_theme_id,
        referring_centre=initiative.centre,
        local_centre=centre_for_commune(commune_code=cleaned["commune"].code),
        consent_at=now,
        created_at=now,
        month=month_of(now),
        region_id=cleaned["commune"].region_id,
        ip_hash=ratelimit.hashed(ip),
        **cleaned,
    )
    tally.apply(before=None, after=tally.state_of(request))
    emails.notify_new_request(request)  # queued in this transaction
    return request


def _stored_state(request: InspirationRequest) -> dict:
    """The request's tallied columns as stored (locked until the transaction ends): what
    the tally counts now, whatever the instance in hand holds."""
    return (
        InspirationRequest.objects.select_for_update()
        .filter(pk=request.pk)
        .values(*tally.FIELDS)
        .get()
    )


def rebuild_impact_tally() -> int:
    """Recompute the dashboard's tally of the requests from scratch (after a bulk load or
    an import that wrote requests directly); returns the number of tally rows."""
    with transaction.atomic():
        return tally.rebuild(request_model=InspirationRequest, tally_model=InspirationRequestTally)


def _check(user: AbstractBaseUser | AnonymousUser, request: InspirationRequest) -> None:
    if not can_follow_request(user, request):
        raise ValidationError(_("Vous ne suivez pas cette demande."))


def month_of(moment: datetime) -> date:
    """The first day of the moment's month, in the site's time zone."""
    return timezone.localdate(moment).replace(day=1)


def _answered(request: InspirationRequest, now: datetime) -> None:
    if request.first_answer_at is None:
        request.first_answer_at = now
        request.answer_seconds = max(0, int((now - request.created_at).total_seconds()))


@transaction.atomic
def set_status(
    *,
    request: InspirationRequest,
    status: str,
    user: AbstractBaseUser | AnonymousUser,
    reason: str = "",
    now: datetime | None = None,
) -> InspirationRequest:
    """Move the request to another state (a reason is required to close it "sans suite";
    "reproduite" goes through mark_reproduced, which links the new initiative)."""
    _check(user, request)
    if status not in RequestStatus.values:
        raise ValidationError({"status": _("État inconnu.")})
    reason = _short_text(reason, name="reason", limit=300, required=False)
    if status == RequestStatus.DROPPED and not reason:
        raise ValidationError({"reason": _("Dites pourquoi la demande reste sans suite.")})
    if status == RequestStatus.REPRODUCED and request.reproduction_id is None:
        raise ValidationError(
            {"status": _("Indiquez l'initiative née de cette demande pour la dire reproduite.")}
        )
    now = now or timezone.now()
    before = _stored_state(request)
    previous = request.get_status_display()
    request.status = status
    request.closing_reason = reason if status == RequestStatus.DROPPED else ""
    request.closed_at = now if status in CLOSED_STATUSES else None
    if status != RequestStatus.NEW:
        _answered(request, now)
    request.save()
    tally.apply(before=before, after=tally.state_of(request))
    body = _("État : %(old)s → %(new)s") % {"old": previous, "new": request.get_status_display()}
    if request.closing_reason:
        body += " — " + request.closing_reason
    RequestNote.objects.create(
        request=request, author_id=user.pk, kind=RequestNote.Kind.STATUS, body=body, created_at=now
    )
    return request


def assignable_users(*, request: InspirationRequest) -> list[AbstractBaseUser]:
    """Members of the two centres involved (the national team is always assignable)."""
    from django.contrib.auth import get_user_model

    from pepites.core.roles import NATIONAL_TEAM_GROUP

    centres = [c for c in (request.referring_centre_id, request.local_centre_id) if c]
    ids = set(
        Membership.objects.filter(centre_id__in=centres, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    from django.db.models import Q

    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=ids) | Q(groups__name=NATIONAL_TEAM_GROUP))
        .distinct()
        .order_by("last_name", "username")
    )


@transaction.atomic
def assign(
    *,
    request: InspirationRequest,
    assignee: AbstractBaseUser | None,
    user: AbstractBaseUser | AnonymousUser,
) -> InspirationRequest:
    _check(user, request)
    if assignee is not None and not (
        is_national_team(assignee) or assignee in assignable_users(request=request)
    ):
        raise ValidationError({"assignee": _("Cette personne n'est d'aucun des deux centres.")})
    request.assignee_id = assignee.pk if assignee is not None else None
    request.save(update_fields=["assignee"])
    return request


@transaction.atomic
def add_note(
    *,
    request: InspirationRequest,
    user: AbstractBaseUser | AnonymousUser,
    body: str,
    now: datetime | None = None,
) -> RequestNote:
    _check(user, request)
    body = clean_markdown(str(body or "").strip())
    if not body:
        raise ValidationError({"body": _("La note est vide.")})
    if len(body) > 3000:
        raise ValidationError({"body": _("3000 caractères au plus.")})
    now = now or timezone.now()
    before = _stored_state(request)
    _answered(request, now)
    request.save(update_fields=["first_answer_at", "answer_seconds"])
    tally.apply(before=before, after=tally.state_of(request))
    return RequestNote.objects.create(request=request, author_id=user.pk, body=body, created_at=now)


@transaction.atomic
def mark_reproduced(
    *,
    request: InspirationRequest,
    reproduction: Initiative,
    user: AbstractBaseUser | AnonymousUser,
    now: datetime | None = None,
) -> InspirationRequest:
    """The request ends as "reproduite": the new initiative is linked to the one it
    reproduces ("inspirée de") and the request closed."""
    _check(user, request)
    link_inspiration(source=request.initiative, reproduction=reproduction)
    request.reproduction = reproduction
    request.save(update_fields=["reproduction"])
    return set_status(request=request, status=RequestStatus.REPRODUCED, user=user, now=now)


def send_reminders(*, now: datetime | None = None) -> int:
    """One e-mail per request still "nouvelle" ESSAIMAGE_REMINDER_DAYS after it arrived
    (then again every ESSAIMAGE_REMINDER_DAYS), to the centres it was routed to."""
    from pepites.essaimage.selectors import requests_to_remind

    now = now or timezone.now()
    sent = 0
    for request in requests_to_remind(now=now):
        with transaction.atomic():
            emails.notify_reminder(request, now=now)
            request.reminded_at = now
            request.save(update_fields=["reminded_at"])
        sent += 1
    return sent


def purge_requester_data(*, now: datetime | None = None) -> int:
    """The requester's name, e-mail, organisation, project and IP fingerprint, erased
    ESSAIMAGE_RETENTION_DAYS after the request was closed; its figures (dates, state,
    commune, centres, kind of requester) stay for the dashboard."""
    limit = (now or timezone.now()) - timedelta(days=settings.ESSAIMAGE_RETENTION_DAYS)
    return (
        InspirationRequest.objects.filter(closed_at__lt=limit)
        .exclude(requester_email="")
        .update(requester_name="", requester_email="", organisation="", project="", ip_hash="")
    )
