"""The e-mails of a request "M'en inspirer", all queued (pepites/core/jobs/email.py): the
receipt to the requester, the notice to the centres (or the national team), the porteur's
introduction when they consented to public contact, and the reminders."""

from __future__ import annotations

from datetime import datetime

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from pepites.core import links
from pepites.core.jobs.email import enqueue_email
from pepites.core.siteurl import site_url
from pepites.essaimage.models import InspirationRequest, Need
from pepites.network.memberships import notification_emails


def recipients(request: InspirationRequest) -> list[str]:
    """Members of the referring centre and of the requester's centre; the national team for
    a side that no centre covers."""
    found: list[str] = []
    for centre in (request.referring_centre, request.local_centre):
        found += notification_emails(centre=centre)
    return sorted(set(found))


def porteur_may_be_contacted(request: InspirationRequest) -> bool:
    initiative = request.initiative
    return bool(
        initiative.contact_consent and initiative.contact_email and Need.CONTACT in request.needs
    )


def _context(request: InspirationRequest) -> dict:
    return {
        "request": request,
        "initiative": request.initiative,
        "needs": [Need(need).label for need in request.needs],
        "site_url": site_url(),
        "initiative_url": links.absolute("initiative", slug=request.initiative.slug),
        "workspace_url": links.absolute("workspace.essaimage", pk=request.pk),
        "porteur_contacted": porteur_may_be_contacted(request),
    }


def _send(subject: str, template: str, context: dict, to: list[str]) -> None:
    enqueue_email(subject=subject, body=render_to_string(template, context), to=to)


def notify_new_request(request: InspirationRequest) -> None:
    context = _context(request)
    title = request.initiative.title
    _send(
        _("Pépites : votre demande pour « %(title)s » est bien reçue") % {"title": title},
        "essaimage/emails/received.txt",
        context,
        [request.requester_email],
    )
    _send(
        _("Pépites : demande d'essaimage — %(title)s") % {"title": title},
        "essaimage/emails/to_centres.txt",
        context,
        recipients(request),
    )
    if context["porteur_contacted"]:
        _send(
            _("Pépites : quelqu'un veut s'inspirer de « %(title)s »") % {"title": title},
            "essaimage/emails/to_porteur.txt",
            context,
            [request.initiative.contact_email],
        )


def notify_reminder(request: InspirationRequest, *, now: datetime) -> None:
    days = (now - request.created_at).days
    _send(
        _("Pépites : demande d'essaimage sans réponse depuis %(days)s jours") % {"days": days},
        "essaimage/emails/reminder.txt",
        {**_context(request), "days": days},
        recipients(request),
    )
