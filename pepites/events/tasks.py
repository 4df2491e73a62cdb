"""The agenda's queued and periodic jobs (see pepites/core/jobs)."""

from __future__ import annotations

from datetime import time, timedelta

from pepites.core.jobs import Daily, Every, job, periodic


@periodic(
    name="events.reminders",
    schedule=Every(timedelta(minutes=30)),
    description="Rappel, une seule fois, aux personnes inscrites à un événement du lendemain.",
)
@job()
def send_event_reminders() -> int:
    from pepites.events.registrations import send_reminders

    return send_reminders()


@periodic(
    name="events.purge_registrations",
    schedule=Daily(time(3, 40)),
    description="Efface les inscriptions EVENT_REGISTRATION_RETENTION_DAYS jours après "
    "l'événement, et les demandes jamais confirmées après sept jours.",
)
@job()
def purge_event_registrations() -> int:
    from pepites.events.registrations import purge_registrations

    return purge_registrations()


@job(retries=3, backoff=60)
def deliver_message(*, message_id: int) -> int:
    from pepites.events.models import EventMessage
    from pepites.events.registrations import deliver_message as deliver

    message = EventMessage.objects.select_related("event").filter(pk=message_id).first()
    return deliver(message=message) if message is not None else 0
