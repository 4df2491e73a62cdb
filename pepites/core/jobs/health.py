"""The job queue's part of readiness (/healthz/ready, settings.HEALTH_CHECKS)."""

from __future__ import annotations

from django.conf import settings

from pepites.core.health import DEGRADED, OK, Check
from pepites.core.jobs.selectors import backlog


def job_queue() -> Check:
    """Degraded, never failed: without a worker the pages are still served, only e-mails,
    imports and periodic jobs wait — taking every server out of traffic would not help."""
    state = backlog()
    details = {**state.as_dict(), "max_wait_seconds": settings.HEALTH_JOBS_MAX_WAIT}
    waited = state.oldest_pending_seconds
    if waited is not None and waited > settings.HEALTH_JOBS_MAX_WAIT:
        return Check(DEGRADED, {**details, "error": "jobs wait for a worker"})
    return Check(OK, details)
