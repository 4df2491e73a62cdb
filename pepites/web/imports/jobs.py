"""Import jobs of the workspace: the uploaded file and the job's state in a folder of their
own, the work in a background thread, its progress read by the job's page.

Why a thread and files: the check and the writing of 10,000 rows take seconds each (tens
of seconds on a busy machine), longer than a request should last; the page polls a small
JSON answer meanwhile. Any server process can answer the poll, because the state is a file
(written atomically), not memory. A job whose process died stops beating: after
STALE_AFTER it is shown as interrupted, and since the writing is one transaction, an
interrupted import has written nothing.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection

from pepites.initiatives.imports.importer import STAGES, ImportOptions, run_import
from pepites.initiatives.imports.mapping import parse_explicit_mapping

logger = logging.getLogger(__name__)

CHECKING, CHECKED, WRITING, DONE, FAILED = "checking", "checked", "writing", "done", "failed"
RUNNING = {CHECKING, WRITING}
STALE_AFTER = 300  # seconds without news from a running job
KEEP_FOR = 2 * 24 * 3600  # jobs are removed two days after their creation
SAVE_EVERY = 0.5  # seconds between two writes of the progress


def jobs_dir() -> Path:
    return Path(settings.IMPORT_DIR)


@dataclass
class Job:
    token: str
    user_id: int
    filename: str
    centre_slug: str = ""
    status: str = "brouillon"
    default_theme: str = ""
    skip_invalid: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    state: str = CHECKING
    stage: str = "read"
    done: int = 0
    total: int = 0
    created_at: float = field(default_factory=time.time)
    heartbeat: float = field(default_factory=time.time)
    report: dict[str, Any] | None = None
    error: str = ""

    @property
    def folder(self) -> Path:
        return jobs_dir() / self.token

    @property
    def source(self) -> Path:
        return self.folder / "source"

    @property
    def stale(self) -> bool:
        return self.state in RUNNING and time.time() - self.heartbeat > STALE_AFTER

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)

    def progress(self) -> dict[str, Any]:
        return {
            "state": "interrupted" if self.stale else self.state,
            "stage": self.stage,
            "stage_label": self.stage_label,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
        }

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f"job.{os.getpid()}.{threading.get_ident()}.tmp"
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")
        temporary.replace(self.folder / "job.json")


def _valid_token(token: str) -> bool:
    return bool(token) and len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def load(token: str) -> Job | None:
    if not _valid_token(token):
        return None
    path = jobs_dir() / token / "job.json"
    try:
        return Job(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def create(*, user_id: int, filename: str, data: bytes, **options: Any) -> Job:
    sweep()
    job = Job(token=secrets.token_urlsafe(16), user_id=user_id, filename=filename, **options)
    job.folder.mkdir(parents=True, exist_ok=True)
    job.source.write_bytes(data)
    job.save()
    return job


def sweep() -> None:
    """Remove the jobs older than KEEP_FOR."""
    folder = jobs_dir()
    if not folder.is_dir():
        return
    limit = time.time() - KEEP_FOR
    for entry in folder.iterdir():
        try:
            if entry.is_dir() and entry.stat().st_mtime < limit:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def start(job: Job, *, write: bool) -> None:
    """Check (write=False) or import (write=True) the job's file in a background thread."""
    job.state = WRITING if write else CHECKING
    job.stage, job.done, job.total, job.error = "read", 0, 0, ""
    job.heartbeat = time.time()
    job.save()
    thread = threading.Thread(
        target=run, args=(job.token, write), daemon=True, name=f"import-{job.token}"
    )
    thread.start()


def run(token: str, write: bool) -> None:
    """The work of a job; also callable directly (it is what the thread runs)."""
    close_old_connections()
    job = load(token)
    if job is None:
        return
    last_save = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last_save
        job.stage, job.done, job.total = stage, done, total
        job.heartbeat = time.time()
        if job.heartbeat - last_save >= SAVE_EVERY or done == total:
            job.save()
            last_save = job.heartbeat

    try:
        user = get_user_model().objects.filter(pk=job.user_id, is_active=True).first()
        if user is None:
            raise PermissionError("account gone")
        report = run_import(
            job.source.read_bytes(),
            ImportOptions(
                filename=job.filename,
                centre_slug=job.centre_slug,
                mapping=parse_explicit_mapping(job.mapping) if job.mapping else None,
                default_theme=job.default_theme,
                status=job.status,
                skip_invalid=job.skip_invalid,
                dry_run=not write,
                user=user,
                progress=progress,
            ),
        )
        job.report = report.to_dict()
        job.state = DONE if write and report.committed else CHECKED
    except Exception as exc:  # the job's page must say it failed, whatever happened
        logger.exception("import job %s failed", token)
        job.state, job.error = FAILED, exc.__class__.__name__
    finally:
        job.heartbeat = time.time()
        job.save()
        connection.close()
