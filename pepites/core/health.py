"""Readiness: can this instance serve traffic? (/healthz/ready; /healthz is liveness only.)

Each check is a function returning a Check; settings.HEALTH_CHECKS lists them by dotted
path, so another part (e.g. the job queue's backlog) plugs in with one line there. A check
says its own severity: "failed" takes the instance out of the load balancer (HTTP 503),
"degraded" keeps it in (HTTP 200: pages are still served, slower or partly).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils.module_loading import import_string

OK, DEGRADED, FAILED = "ok", "degraded", "failed"
_SEVERITY = {OK: 0, DEGRADED: 1, FAILED: 2}


@dataclass
class Check:
    status: str
    details: dict = field(default_factory=dict)


def _error(exc: BaseException) -> str:
    # The class and a short message: enough for an operator, nothing like a password.
    return f"{exc.__class__.__name__}: {str(exc)[:200]}"


def database() -> Check:
    """A query under a statement timeout (PostgreSQL); connecting is bounded by
    DATABASE_CONNECT_TIMEOUT."""
    timeout_ms = int(settings.HEALTH_DATABASE_TIMEOUT * 1000)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(timeout_ms)])
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check(OK, {"vendor": connection.vendor})


def cache_check() -> Check:
    """The shared cache: its failure degrades the instance (pages are computed without
    it), it does not take it out of the load balancer."""
    backend = cast(str, settings.CACHES["default"]["BACKEND"]).rpartition(".")[2]
    probe = getattr(cache, "probe", None)
    try:
        if probe is not None:
            probe()
        else:  # a cache local to the process: a round trip is all there is to check
            key = f"healthz:{uuid.uuid4().hex}"
            cache.set(key, 1, 10)
            if cache.get(key) != 1:
                return Check(DEGRADED, {"error": "cache round trip lost the value"})
            cache.delete(key)
    except Exception as exc:
        return Check(DEGRADED, {"backend": backend, "error": _error(exc)})
    return Check(OK, {"backend": backend})


def media_storage() -> Check:
    """Write, read back and delete a small file through the media storage (local folder
    or object storage). Its failure degrades the instance: pages are still served, only
    uploads and new PDF fail (every instance shares the storage: taking them all out of
    traffic would not help)."""
    backend = default_storage.__class__.__name__
    name = f"healthz/{uuid.uuid4().hex}.txt"
    content = b"pepites readiness probe"
    try:
        saved = default_storage.save(name, ContentFile(content))
        try:
            with default_storage.open(saved, "rb") as handle:
                if handle.read() != content:
                    return Check(DEGRADED, {"backend": backend, "error": "probe read back differs"})
        finally:
            default_storage.delete(saved)
    except Exception as exc:
        return Check(DEGRADED, {"backend": backend, "error": _error(exc)})
    return Check(OK, {"backend": backend})


def _folders() -> dict[str, Path]:
    folders = {"var": Path(settings.VAR_DIR)}
    if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
        folders["media"] = Path(settings.MEDIA_ROOT)
    return folders


def disk() -> Check:
    """Free space of var/ and of the media folder: under HEALTH_MIN_FREE_MB, failed (writes
    would fail); read-only, degraded (what is built is still served)."""
    status, details = OK, {}
    for label, folder in _folders().items():
        existing = next((p for p in (folder, *folder.parents) if p.exists()), folder)
        usage = shutil.disk_usage(existing)
        read_only = bool(os.statvfs(existing).f_flag & os.ST_RDONLY)
        free_mb = usage.free // (1024 * 1024)
        details[label] = {"free_mb": free_mb, "read_only": read_only}
        if free_mb < settings.HEALTH_MIN_FREE_MB:
            status = FAILED
        elif read_only and status == OK:
            status = DEGRADED
    return Check(status, details)


def _run(path: str) -> tuple[str, Check, float]:
    name = path.rpartition(".")[2].removesuffix("_check")
    started = time.monotonic()
    try:
        check: Callable[[], Check] = import_string(path)
        result = check()
    except Exception as exc:
        result = Check(FAILED, {"error": _error(exc)})
    elapsed_ms = round((time.monotonic() - started) * 1000, 1)
    return name, result, elapsed_ms


def readiness() -> tuple[int, dict]:
    """(HTTP status, JSON body) of /healthz/ready."""
    checks = {}
    worst = OK
    for path in settings.HEALTH_CHECKS:
        name, result, elapsed_ms = _run(path)
        checks[name] = {"status": result.status, "ms": elapsed_ms, **result.details}
        if _SEVERITY[result.status] > _SEVERITY[worst]:
            worst = result.status
    return (503 if worst == FAILED else 200), {"status": worst, "checks": checks}
