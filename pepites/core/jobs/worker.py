"""The worker: the library's loop (django_tasks_db's db_worker) with our retries, plus a
thread that beats, recovers interrupted tasks and runs the periodic jobs' scheduler.

SIGTERM or Ctrl-C: the current task is finished, then the worker exits (a second signal
stops it at once; the task is then given back by another worker's recovery).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import autodiscover_modules
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from pepites.core.jobs import scheduler
from pepites.core.jobs.models import WorkerBeat
from pepites.core.jobs.services import after_failure

logger = logging.getLogger("pepites.jobs")


def discover() -> None:
    """Import each app's `tasks` module: their periodic jobs register themselves."""
    autodiscover_modules("tasks")


class PepitesWorker(Worker):
    def __init__(
        self,
        *,
        interval: float = 1,
        batch: bool = False,
        queues: list[str] | None = None,
        **options,
    ) -> None:
        super().__init__(
            queue_names=queues or ["*"],
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not batch,
            max_tasks=options.pop("max_tasks", None),
            worker_id=options.pop("worker_id", None) or get_random_string(32),
            excluded_queue_names=[],
        )

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            after_failure(db_task_result)


def run_pending(
    *, limit: int | None = None, worker_id: str | None = None, queues: list[str] | None = None
) -> int:
    """Run the due tasks in this process until none is left (or `limit`); returns how many
    ran. What `pepites worker --once` does after a scheduler tick; the tests call it too
    (unlike the library's loop, it leaves the current connection open)."""
    worker = PepitesWorker(batch=True, interval=0, worker_id=worker_id)
    ran = 0
    while limit is None or ran < limit:
        with exclusive_transaction(DBTaskResult.objects.db):
            ready = DBTaskResult.objects.ready()
            if queues:
                ready = ready.filter(queue_name__in=queues)
            result = ready.get_locked()
            if result is not None:
                result.claim(worker.worker_id)
        if result is None:
            break
        worker.run_task(result)
        ran += 1
    return ran


class Scheduler(threading.Thread):
    """Beat, recover and tick every JOBS_SCHEDULER_INTERVAL seconds, beside the worker."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="pepites-scheduler", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def step(self) -> None:
        scheduler.beat(worker_id=self.worker_id, started_at=self.started_at)
        scheduler.recover_interrupted()
        scheduler.tick()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                self.step()
            except Exception:  # a database hiccup must not stop the scheduling for good
                logger.exception("scheduler step failed")
            self.stopping.wait(settings.JOBS_SCHEDULER_INTERVAL)
        connection.close()


def serve(*, interval: float = 1, once: bool = False, queues: list[str] | None = None) -> int:
    """Run the worker until SIGTERM/SIGINT (what `pepites worker` does), on every queue or
    on `queues`; `once`: run the due periodic jobs and the pending tasks, then stop.
    Returns the tasks run (`once`)."""
    discover()
    worker = PepitesWorker(interval=interval, queues=queues)
    thread = Scheduler(worker.worker_id)
    thread.step()  # beat, recover and tick before the first task
    thread.start()
    try:
        if once:
            return run_pending(worker_id=worker.worker_id, queues=queues)
        worker.configure_signals()
        worker.run()
        return worker._run_tasks
    finally:
        thread.stopping.set()
        thread.join(timeout=30)
        WorkerBeat.objects.filter(worker_id=worker.worker_id).delete()
