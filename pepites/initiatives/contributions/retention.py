"""Retention of proposers' personal data: their name, address, message and IP hash are kept
while the proposal is examined and for PROPOSAL_RETENTION_DAYS after the decision (to answer
a question about it), then erased by the nightly retention job (pepites/privacy/retention.py).
The proposed content itself is kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from pepites.initiatives.models import Proposal, ProposalStatus

ERASED_EMAIL = ""


def purge_proposer_data(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    limit = now - timedelta(days=settings.PROPOSAL_RETENTION_DAYS)
    return (
        Proposal.objects.exclude(status=ProposalStatus.PENDING)
        .filter(decided_at__lt=limit)
        .exclude(proposer_email=ERASED_EMAIL, proposer_name="", message="", ip_hash="")
        .update(proposer_email=ERASED_EMAIL, proposer_name="", message="", ip_hash="")
    )
