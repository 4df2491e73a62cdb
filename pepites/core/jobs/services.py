"""Writes on the queue: retry after a failure, give back an interrupted task, « Relancer »."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from pepites.core.jobs.registry import retry_policy

logger = logging.getLogger("pepites.jobs")

INTERRUPTED = "pepites.core.jobs.Interrupted"


def after_failure(result: DBTaskResult, *, now: datetime | None = None) -> bool:
    """Put a failed task back in the queue, after its backoff, while its retry policy allows;
    else log the final failure (the row stays FAILED, listed for staff). True if retried."""
    now = now or timezone.now()
    policy = retry_policy(result.task_path)
    attempts = len(result.worker_ids)
    if policy is not None and attempts < policy.attempts:
        run_after = now + policy.delay(attempts)
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=run_after, finished_at=None
        )
        logger.warning(
            "job %s (%s) failed (attempt %d of %d, %s); retried after %s",
            result.pk,
            result.task_path,
            attempts,
            policy.attempts,
            result.exception_class_path,
            run_after.isoformat(timespec="seconds"),
        )
        return True
    logger.error(
        "job %s (%s) failed for good after %d attempt(s): %s",
        result.pk,
        result.task_path,
        attempts,
        result.exception_class_path,
    )
    return False


def give_back(results: Iterable[DBTaskResult], *, now: datetime | None = None) -> int:
    """Tasks claimed by a worker that stopped beating: back in the queue while their retry
    policy allows (a resumed import starts again; it had written nothing), else failed."""
    now = now or timezone.now()
    count = 0
    for result in results:
        updated = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, worker_ids=result.worker_ids
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=INTERRUPTED,
            traceback="Interrompue : le worker qui l'exécutait s'est arrêté.",
        )
        if updated:
            result.refresh_from_db()
            after_failure(result, now=now)
            count += 1
    return count


def retry_jobs(queryset: QuerySet[DBTaskResult]) -> int:
    """« Relancer »: failed tasks back in the queue at once (their attempt count kept)."""
    return queryset.filter(status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=get_date_max(), finished_at=None
    )
