"""The e-mails of a proposal: receipt to its author and notice to the moderators on
submission, the decision to its author afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from pepites.core import links
from pepites.core.jobs.email import enqueue_email
from pepites.core.siteurl import site_url
from pepites.initiatives.models import InitiativeStatus, Proposal
from pepites.network.memberships import notification_emails


def _send(subject: str, template: str, context: dict[str, Any], recipients: Iterable[str]) -> None:
    """Queue the message (see pepites/core/jobs/email.py): never sent inside the request."""
    recipients = list(recipients)
    if recipients:
        enqueue_email(subject=subject, body=render_to_string(template, context), to=recipients)


def _workspace_url(proposal: Proposal) -> str:
    return links.absolute("workspace.proposal", pk=proposal.pk)


def notify_submission(proposal: Proposal) -> None:
    context = {"proposal": proposal, "site_url": site_url()}
    _send(
        _("Pépites : nous avons bien reçu votre proposition"),
        "initiatives/contributions/emails/received.txt",
        context,
        [proposal.proposer_email],
    )
    _send(
        _("Pépites : nouvelle proposition à examiner — %(title)s") % {"title": proposal.title},
        "initiatives/contributions/emails/to_moderate.txt",
        {**context, "url": _workspace_url(proposal)},
        notification_emails(centre=proposal.centre),
    )


def notify_decision(proposal: Proposal) -> None:
    url = ""
    if proposal.initiative is not None and proposal.initiative.status == InitiativeStatus.PUBLISHED:
        url = links.absolute("initiative", slug=proposal.initiative.slug)
    _send(
        _("Pépites : réponse à votre proposition « %(title)s »") % {"title": proposal.title},
        "initiatives/contributions/emails/decision.txt",
        {"proposal": proposal, "url": url, "site_url": site_url()},
        [proposal.proposer_email],
    )
