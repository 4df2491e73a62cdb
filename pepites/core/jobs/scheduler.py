"""The periodic jobs' scheduler and the workers' heartbeat, run by every `pepites worker`.

Exactly once across workers: each periodic job has a row (PeriodicJobState); a worker that
finds it due moves its `next_run_at` with an UPDATE conditioned on the value it read, in the
same transaction as the enqueue; only the worker whose UPDATE changed the row enqueues.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pepites.core.jobs.models import PeriodicJobState, WorkerBeat
from pepites.core.jobs.registry import PERIODIC_JOBS
from pepites.core.jobs.services import give_back

logger = logging.getLogger("pepites.jobs")


def tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every periodic job that is due; returns their names."""
    now = now or timezone.now()
    states = {state.name: state for state in PeriodicJobState.objects.all()}
    enqueued = []
    for name, declared in PERIODIC_JOBS.items():
        state = states.get(name)
        if state is None:  # first sight: due at its first scheduled time, not at once
            PeriodicJobState.objects.get_or_create(
                name=name, defaults={"next_run_at": declared.schedule.next_after(now)}
            )
            continue
        if state.next_run_at > now:
            continue
        with transaction.atomic():
            claimed = PeriodicJobState.objects.filter(
                name=name, next_run_at=state.next_run_at
            ).update(next_run_at=declared.schedule.next_after(now), last_enqueued_at=now)
            if claimed:
                result = declared.task.enqueue()
                PeriodicJobState.objects.filter(name=name).update(last_task_id=str(result.id))
                enqueued.append(name)
    if enqueued:
        logger.info("periodic jobs enqueued: %s", ", ".join(enqueued))
    return enqueued


def beat(*, worker_id: str, started_at: datetime, now: datetime | None = None) -> None:
    now = now or timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:200],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
        },
    )


def recover_interrupted(*, now: datetime | None = None) -> int:
    """Give back the tasks of workers that stopped beating (JOBS_WORKER_LOST_AFTER)."""
    now = now or timezone.now()
    lost_after = timedelta(seconds=settings.JOBS_WORKER_LOST_AFTER)
    alive = set(
        WorkerBeat.objects.filter(seen_at__gte=now - lost_after).values_list("worker_id", flat=True)
    )
    WorkerBeat.objects.filter(seen_at__lt=now - 10 * lost_after).delete()
    # A task claimed moments ago may belong to a worker whose first beat is not written yet.
    running = DBTaskResult.objects.filter(
        Q(started_at__lt=now - lost_after) | Q(started_at__isnull=True),
        status=TaskResultStatus.RUNNING,
    )
    lost = [
        result for result in running if not result.worker_ids or result.worker_ids[-1] not in alive
    ]
    count = give_back(lost, now=now)
    if count:
        logger.warning("%d interrupted job(s) given back to the queue or failed", count)
    return count
