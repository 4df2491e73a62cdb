"""Registrations to an event: double opt-in by e-mail, a seat or the waiting list, promotion
on a cancellation, a reminder sent once the day before, messages from the organisers.

Seats are counted under a lock on the event's row (SELECT … FOR UPDATE on PostgreSQL; the
single writer of SQLite's IMMEDIATE transactions), so two confirmations never take the last
seat twice. Every e-mail goes through the job queue, in the transaction of the change that
calls for it (a rolled-back confirmation sends nothing).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pepites.core import links, ratelimit
from pepites.core.jobs.email import enqueue_email
from pepites.core.siteurl import site_url
from pepites.core.validators import validate_no_bidi_controls
from pepites.events.display import paris_label, place_label, when_label
from pepites.events.models import (
    Event,
    EventMessage,
    EventStatus,
    Registration,
    RegistrationStatus,
)

# A pending address gets at most one e-mail per period, whoever asks.
RESEND_AFTER = timedelta(minutes=10)
# Never confirmed: forgotten after this.
PENDING_KEPT = timedelta(days=7)
BATCH_SIZE = 100


class RateLimited(Exception):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Vous avez envoyé beaucoup d'inscriptions en peu de temps : merci de réessayer "
                "dans une heure. Rien n'a été enregistré."
            )
        )


def registration_open(event: Event, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return event.is_published and event.has_built_in_registration and event.starts_at > now


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def seats_left(event: Event) -> int | None:
    """None: no limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - seats_taken(event))


def consent_text(*, event: Event) -> str:
    return _(
        "J'accepte que mon nom, mon adresse électronique et ma structure soient conservés pour "
        "gérer mon inscription à « %(title)s » et communiqués à ses organisateurs ; ils sont "
        "effacés %(days)s jours après l'événement."
    ) % {"title": event.title, "days": settings.EVENT_REGISTRATION_RETENTION_DAYS}


def manage_url(registration: Registration) -> str:
    return links.absolute("events.registration", token=registration.token)


def _send(registration: Registration, template: str, subject: str, **extra) -> None:
    event = registration.event
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "event": event,
            "when": when_label(event),
            "paris": paris_label(event),
            "place": place_label(event),
            "event_url": links.absolute("events.event", slug=event.slug),
            "manage_url": manage_url(registration),
            # The connection link goes to people with a seat only.
            "online_url": event.online_url if registration.has_seat else "",
            "SITE_URL": site_url(),
            **extra,
        }
        body = render_to_string(f"events/emails/{template}.txt", context)
        enqueue_email(subject=f"{subject} — {event.title}", body=body, to=[registration.email])


def _clean_person(*, name: str, email: str, organisation: str, consent: bool) -> dict:
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    organisation = " ".join((organisation or "").split())
    email = (email or "").strip()
    if not name:
        errors["name"] = [_("Indiquez votre nom.")]
    for key, value, limit in (("name", name, 150), ("organisation", organisation, 200)):
        try:
            validate_no_bidi_controls(value)
        except ValidationError as exc:
            errors[key] = exc.messages
        if len(value) > limit:
            errors[key] = [_("%(limit)s caractères au plus.") % {"limit": limit}]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Saisissez une adresse électronique valide, ex. prenom@exemple.fr.")]
    if not consent:
        errors["consent"] = [
            _("Cochez cette case pour que nous puissions gérer votre inscription.")
        ]
    if errors:
        raise ValidationError(errors)
    local, _sep, domain = email.rpartition("@")
    return {"name": name, "email": f"{local}@{domain.lower()}", "organisation": organisation}


@transaction.atomic
def register(
    *,
    event: Event,
    name: str,
    email: str,
    organisation: str = "",
    consent: bool,
    ip: str,
    now: datetime | None = None,
) -> Registration:
    """Record a request and e-mail a confirmation link. The caller shows the same answer
    whatever happens here: the form never tells whether an address is registered."""
    now = now or timezone.now()
    if not registration_open(event, now=now):
        raise ValidationError(_("Les inscriptions à cet événement sont closes."))
    person = _clean_person(name=name, email=email, organisation=organisation, consent=consent)
    if not ratelimit.consume(
        keys=[
            "event-registration:ip:" + ratelimit.hashed(ip),
            "event-registration:email:" + ratelimit.hashed(person["email"].lower()),
        ],
        limit=settings.EVENT_REGISTRATIONS_PER_HOUR,
        window=timedelta(hours=1),
    ):
        raise RateLimited
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, email__iexact=person["email"])
        .first()
    )
    recently = (
        registration is not None
        and registration.confirmation_sent_at is not None
        and now - registration.confirmation_sent_at < RESEND_AFTER
    )
    if registration is not None and registration.status in (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ):
        if not recently:  # they may have lost their link: send it again
            registration.confirmation_sent_at = now
            registration.save(update_fields=["confirmation_sent_at"])
            _send(registration, "already", _("Votre inscription"))
        return registration
    if registration is not None and registration.status == RegistrationStatus.PENDING and recently:
        return registration
    if registration is None:
        registration = Registration(event=event)
    registration.name = person["name"]
    registration.email = person["email"]
    registration.organisation = person["organisation"]
    registration.status = RegistrationStatus.PENDING
    registration.token = secrets.token_urlsafe(32)
    registration.consent_text = consent_text(event=event)
    registration.consented_at = now
    registration.ip_hash = ratelimit.hashed(ip)
    registration.confirmation_sent_at = now
    registration.confirmed_at = registration.seated_at = registration.waitlisted_at = None
    registration.cancelled_at = registration.reminded_at = None
    registration.save()
    _send(registration, "confirm", _("Confirmez votre inscription"))
    return registration


def get_registration(*, token: str) -> Registration | None:
    if not token:
        return None
    return (
        Registration.objects.select_related("event", "event__commune").filter(token=token).first()
    )


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _lock(registration_pk: int, event_pk: int) -> tuple[Registration, Event]:
    """The event's row first, then the registration's: always that order (fill_seats too),
    so two transactions never wait for each other."""
    event = Event.objects.select_for_update().get(pk=event_pk)
    registration = Registration.objects.select_for_update().get(pk=registration_pk)
    registration.event = event
    return registration, event


def _in_reminder_window(event: Event, now: datetime) -> bool:
    return event.starts_at - now <= timedelta(hours=settings.EVENT_REMINDER_HOURS)


def _seat(registration: Registration, now: datetime) -> None:
    registration.status = RegistrationStatus.CONFIRMED
    registration.seated_at = now
    if _in_reminder_window(registration.event, now):
        registration.reminded_at = now  # this e-mail is their reminder


@transaction.atomic
def confirm_registration(*, token: str, now: datetime | None = None) -> Registration | None:
    """The e-mail link was followed: a seat if one is left, else the waiting list."""
    now = now or timezone.now()
    found = Registration.objects.filter(token=token).values_list("pk", "event_id").first()
    if found is None:
        return None
    registration, event = _lock(*found)
    if registration.status != RegistrationStatus.PENDING:
        return registration  # a second click changes nothing
    if not registration_open(event, now=now):
        return registration
    registration.confirmed_at = now
    if event.capacity is None or seats_taken(event) < event.capacity:
        _seat(registration, now)
        registration.save()
        _send(registration, "confirmed", _("Inscription confirmée"))
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlisted_at = now
        registration.save()
        _send(
            registration,
            "waitlisted",
            _("Vous êtes sur liste d'attente"),
            position=waiting_position(registration),
        )
    return registration


def waiting_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            status=RegistrationStatus.WAITLISTED,
            waitlisted_at__lt=registration.waitlisted_at,
        ).count()
        + 1
    )


@transaction.atomic
def cancel_registration(*, registration: Registration, now: datetime | None = None) -> Registration:
    """The person cancels: their seat goes to the first person waiting."""
    now = now or timezone.now()
    registration, event = _lock(registration.pk, registration.event_id)
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if event.starts_at <= now:
        raise ValidationError(
            _("L'événement a commencé : l'inscription ne peut plus être annulée.")
        )
    had_seat = registration.has_seat
    was_known = registration.status != RegistrationStatus.PENDING
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    if was_known:
        _send(registration, "cancelled", _("Inscription annulée"))
    if had_seat:
        fill_seats(event=event, now=now)
    return registration


def fill_seats(*, event: Event, now: datetime | None = None) -> int:
    """Give the free seats to the people waiting, first come first served; returns how many
    were promoted (each is told by e-mail). Called after a cancellation or a larger capacity."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event)
        if not registration_open(event, now=now):
            return 0
        waiting = event.registrations.select_for_update().filter(
            status=RegistrationStatus.WAITLISTED
        )
        waiting = waiting.order_by("waitlisted_at", "pk")
        if event.capacity is not None:
            waiting = waiting[: max(0, event.capacity - seats_taken(event))]
        promoted = 0
        for registration in waiting:
            registration.event = event
            _seat(registration, now)
            registration.save()
            _send(registration, "promoted", _("Une place s'est libérée"))
            promoted += 1
        return promoted


def notify_cancellation(*, event: Event) -> int:
    """Tell the people registered or waiting that the event is cancelled."""
    people = event.registrations.filter(
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    ).select_related("event")
    sent = 0
    for registration in people:
        _send(registration, "event_cancelled", _("Événement annulé"))
        sent += 1
    return sent


def reminders_due(*, now: datetime) -> QuerySet[Registration]:
    return Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at__isnull=True,
        event__status=EventStatus.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + timedelta(hours=settings.EVENT_REMINDER_HOURS),
    )


def send_reminders(*, now: datetime | None = None) -> int:
    """E-mail the reminder of tomorrow's events, once per registration: each one is claimed
    by a conditional UPDATE in the transaction that queues its e-mail, so two runs at once
    (or a run repeated) never send it twice."""
    now = now or timezone.now()
    sent = 0
    for registration in reminders_due(now=now).select_related("event", "event__commune"):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                _send(registration, "reminder", _("Rappel : c'est bientôt"))
                sent += 1
    return sent


def recipients(*, event: Event, audience: str) -> QuerySet[Registration]:
    statuses = [RegistrationStatus.CONFIRMED]
    if audience == EventMessage.Audience.ALL:
        statuses.append(RegistrationStatus.WAITLISTED)
    return event.registrations.filter(status__in=statuses).order_by("pk")


def deliver_message(*, message: EventMessage) -> int:
    sent = 0
    people = recipients(event=message.event, audience=message.audience).select_related("event")
    batch: list[Registration] = []
    for registration in people.iterator(chunk_size=BATCH_SIZE):
        batch.append(registration)
        if len(batch) == BATCH_SIZE:
            sent += _deliver_batch(message, batch)
            batch = []
    return sent + _deliver_batch(message, batch)


def _deliver_batch(message: EventMessage, batch: list[Registration]) -> int:
    with transaction.atomic():
        for registration in batch:
            _send(registration, "message", message.subject, message=message)
    return len(batch)


def purge_registrations(*, now: datetime | None = None) -> int:
    """Delete the registrations (names, addresses) EVENT_REGISTRATION_RETENTION_DAYS after
    their event, and the requests never confirmed after PENDING_KEPT."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.EVENT_REGISTRATION_RETENTION_DAYS)
    old, _count = Registration.objects.filter(event__ends_at__lt=limit).delete()
    pending, _count = Registration.objects.filter(
        status=RegistrationStatus.PENDING, created_at__lt=now - PENDING_KEPT
    ).delete()
    return old + pending
