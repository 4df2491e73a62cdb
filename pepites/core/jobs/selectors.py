"""Reads on the queue: the backlog (for the readiness endpoint) and the failed tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True)
class Backlog:
    pending: int  # due and waiting for a worker
    oldest_pending_seconds: float | None  # how long the oldest of them has waited
    failed_last_24h: int  # failed for good during the last 24 hours
    running: int

    def as_dict(self) -> dict:
        return {
            "pending": self.pending,
            "oldest_pending_seconds": self.oldest_pending_seconds,
            "failed_last_24h": self.failed_last_24h,
            "running": self.running,
        }


def backlog(*, now: datetime | None = None) -> Backlog:
    """The queue's backlog: a growing count or an old oldest task means too few workers, or
    none running."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    # A task is due since it was enqueued (no run_after) or since its run_after.
    undelayed = ready.filter(run_after=get_date_max()).aggregate(t=Min("enqueued_at"))["t"]
    delayed = ready.filter(run_after__lte=now).aggregate(t=Min("run_after"))["t"]
    since = min((t for t in (undelayed, delayed) if t is not None), default=None)
    pending = (
        ready.filter(run_after=get_date_max()).count() + ready.filter(run_after__lte=now).count()
    )
    return Backlog(
        pending=pending,
        oldest_pending_seconds=max(0.0, (now - since).total_seconds()) if since else None,
        failed_last_24h=failed_jobs().filter(finished_at__gte=now - timedelta(hours=24)).count(),
        running=DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
    )


def failed_jobs() -> QuerySet[DBTaskResult]:
    """Tasks failed for good (a task being retried is back to READY, not listed here)."""
    return DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")
