"""Import jobs of the workspace: the uploaded file and the job's state in the database, the
work done by the job queue's workers (run_import_job below).

Why a job: checking and writing 10,000 rows take seconds each (tens of seconds on a busy
machine), longer than a request should last; the page polls a small JSON answer meanwhile,
from any app server. A worker killed mid-import (deploy, crash) stops beating; its task is
given back to the queue once and run again from the start, then reported as failed: since
the writing is one transaction, an interrupted import has written nothing.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pepites.core.jobs import job
from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.imports.mapping import parse_explicit_mapping
from pepites.initiatives.imports.models import ImportJob, ImportState

logger = logging.getLogger(__name__)

CHECKING, CHECKED, WRITING, DONE, FAILED = (
    ImportState.CHECKING,
    ImportState.CHECKED,
    ImportState.WRITING,
    ImportState.DONE,
    ImportState.FAILED,
)
RUNNING = {CHECKING, WRITING}
WAITING = "waiting"  # running state, but no worker has taken the task yet
KEEP_FOR = timedelta(days=2)  # jobs are removed two days after their creation
SAVE_EVERY = 0.5  # seconds between two writes of the progress


def load(token: str) -> ImportJob | None:
    if not token or len(token) > 32:
        return None
    return ImportJob.objects.filter(token=token).first()


def create(*, user: Any, filename: str, data: bytes, **options: Any) -> ImportJob:
    return ImportJob.objects.create(
        token=secrets.token_urlsafe(16), user=user, filename=filename, source=data, **options
    )


@transaction.atomic
def start(job: ImportJob, *, write: bool) -> None:
    """Queue the check (write=False) or the import (write=True) of the job's file."""
    result = run_import_job.enqueue(job_id=job.pk, write=write)
    job.state = WRITING if write else CHECKING
    job.stage, job.done, job.total, job.error, job.task_id = "read", 0, 0, "", str(result.id)
    job.save()


def effective_state(job: ImportJob) -> str:
    """The job's state as the page shows it: a running job whose task failed for good
    (interrupted twice) has failed; one whose task waits for a worker says so."""
    if job.state not in RUNNING or not job.task_id:
        return job.state
    status = DBTaskResult.objects.filter(pk=job.task_id).values_list("status", flat=True).first()
    if status in (None, TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
        return FAILED  # the task is gone, or ended without saying so
    return WAITING if status == TaskResultStatus.READY and job.stage == "read" else job.state


def progress(job: ImportJob) -> dict[str, Any]:
    return {
        "state": effective_state(job),
        "stage": job.stage,
        "stage_label": job.stage_label,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
    }


def run(*, job_id: int, write: bool, task_id: str) -> str:
    """The work of a job (what the queued task runs); only the task the job last asked for
    may change it (a column remapped meanwhile queues another check)."""
    job = ImportJob.objects.select_related("user").filter(pk=job_id, task_id=task_id).first()
    if job is None or job.state != (WRITING if write else CHECKING):
        return "superseded"
    mine = ImportJob.objects.filter(pk=job_id, task_id=task_id)
    mine.update(stage="read", done=0, total=0)  # a resumed run starts again
    last_save = 0.0

    def on_progress(stage: str, done: int, total: int) -> None:
        nonlocal last_save
        now = timezone.now().timestamp()
        # Inside the import's own transaction a write would be invisible to other servers
        # (and would hold SQLite's lock): the page shows the stage until the commit.
        if connection.in_atomic_block or (now - last_save < SAVE_EVERY and done != total):
            return
        mine.update(stage=stage, done=done, total=total, updated_at=timezone.now())
        last_save = now

    try:
        if not job.user.is_active:
            raise PermissionError("account gone")
        report = run_import(
            bytes(job.source),
            ImportOptions(
                filename=job.filename,
                centre_slug=job.centre_slug,
                mapping=parse_explicit_mapping(job.mapping) if job.mapping else None,
                default_theme=job.default_theme,
                status=job.status,
                skip_invalid=job.skip_invalid,
                place_later=job.place_later,
                dry_run=not write,
                user=job.user,
                progress=on_progress,
            ),
        )
        state = DONE if write and report.committed else CHECKED
        mine.update(report=report.to_dict(), state=state, updated_at=timezone.now())
    except Exception as exc:  # the job's page must say it failed, whatever happened
        logger.exception("import job %s failed", job.token)
        state = FAILED
        mine.update(state=FAILED, error=exc.__class__.__name__[:200], updated_at=timezone.now())
    return state


def sweep(*, now=None) -> int:
    """Remove the jobs older than KEEP_FOR (with their file)."""
    now = now or timezone.now()
    deleted, _ = ImportJob.objects.filter(created_at__lt=now - KEEP_FOR).delete()
    return deleted


# Given back once to the queue when its worker dies (then run again from the start: an
# interrupted import wrote nothing); an error inside is reported on the job's page.
@job(retries=1, backoff=0, takes_context=True)
def run_import_job(context, *, job_id: int, write: bool) -> str:
    return run(job_id=job_id, write=write, task_id=str(context.task_result.id))
