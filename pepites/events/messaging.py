"""An organiser's message to the people registered: recorded, then delivered by a job
(one queued e-mail per person, each with their own registration link)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pepites.events.models import Event, EventMessage
from pepites.events.registrations import recipients
from pepites.events.tasks import deliver_message


@transaction.atomic
def send_message(*, event: Event, subject: str, body: str, audience: str, user) -> EventMessage:
    """Record an organiser's message and queue its delivery (one e-mail per person)."""
    errors = {}
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    if not subject:
        errors["subject"] = [_("Indiquez l'objet du message.")]
    elif len(subject) > 200:
        errors["subject"] = [_("200 caractères au plus.")]
    if not body:
        errors["body"] = [_("Écrivez le message.")]
    elif len(body) > 10000:
        errors["body"] = [_("10 000 caractères au plus.")]
    if audience not in EventMessage.Audience.values:
        errors["audience"] = [_("Choisissez les destinataires.")]
    if errors:
        raise ValidationError(errors)
    message = EventMessage.objects.create(
        event=event,
        subject=subject,
        body=body,
        audience=audience,
        sent_by=user if getattr(user, "is_authenticated", False) else None,
        recipients=recipients(event=event, audience=audience).count(),
    )
    deliver_message.enqueue(message_id=message.pk)
    return message
