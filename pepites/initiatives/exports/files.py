"""The open-data files of every published initiative, built once per data version.

Building the 100,000-initiative CSV takes tens of seconds of a core: done per download, ten
downloads at once would hold the app servers. A job of the queue builds the three files
once per data version (the map data's signature, pepites/initiatives/mapdata.py), stores
them in the media storage (a folder per version), and the app servers send the stored
bytes with an ETag, answering revalidations (304) and byte ranges (206) like static files.
A write queues a build OPENDATA_BUILD_DELAY_SECONDS later, unless one already waits: under
a steady flow of edits the files follow a few minutes behind, built once for all of them;
the previous files are served meanwhile, and kept OPENDATA_GRACE_SECONDS after they are
replaced (a download under way finishes).
"""

from __future__ import annotations

import itertools
import logging
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pepites.core.jobs import job
from pepites.initiatives import mapdata
from pepites.initiatives.exports.formats import export_info, iter_geojson, write_csv, write_xlsx
from pepites.initiatives.exports.rows import export_queryset, iter_initiatives
from pepites.initiatives.mapversions import OpenDataBuild

logger = logging.getLogger(__name__)
FOLDER = "donnees-ouvertes"
EXTENSIONS = {"csv": "csv", "geojson": "geojson", "xlsx": "xlsx"}


def stored_name(version: str, fmt: str) -> str:
    return f"{FOLDER}/{version}/pepites-initiatives.{EXTENSIONS[fmt]}"


def latest_build() -> OpenDataBuild | None:
    return OpenDataBuild.objects.order_by("-built_at", "-pk").first()


def _write(fmt: str, stream) -> None:
    initiatives = iter_initiatives(export_queryset())
    if fmt == "csv":
        write_csv(initiatives, stream)
    elif fmt == "geojson":
        for chunk in iter_geojson(initiatives, info=export_info()):
            stream.write(chunk.encode("utf-8"))
    else:
        write_xlsx(initiatives, stream, info=export_info())


def build_files() -> OpenDataBuild:
    """The files of the data as they are now (nothing done if already built)."""
    started = time.monotonic()
    version = mapdata.data_signature()
    existing = OpenDataBuild.objects.filter(version=version).first()
    if existing is not None:
        return existing
    sizes = {}
    for fmt in EXTENSIONS:
        name = stored_name(version, fmt)
        # Written to a local temporary file first: the storage (S3) receives whole files.
        with tempfile.TemporaryFile() as spool:
            _write(fmt, spool)
            sizes[fmt] = spool.tell()
            spool.seek(0)
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, File(spool))
    build, _created = OpenDataBuild.objects.get_or_create(
        version=version,
        defaults={"sizes": sizes, "build_seconds": time.monotonic() - started},
    )
    prune()
    logger.info("Données ouvertes : version %s (%.1f s)", version, build.build_seconds)
    return build


def prune() -> int:
    """Delete the files replaced more than OPENDATA_GRACE_SECONDS ago: a build is replaced
    when the next one is made; the newest is never deleted."""
    limit = timezone.now() - timedelta(seconds=settings.OPENDATA_GRACE_SECONDS)
    builds = list(OpenDataBuild.objects.order_by("-built_at", "-pk"))
    count = 0
    for newer, older in itertools.pairwise(builds):
        if newer.built_at < limit:
            for fmt in EXTENSIONS:
                default_storage.delete(stored_name(older.version, fmt))
            older.delete()
            count += 1
    return count


@job(retries=2, backoff=60, queue_name="bulk")  # minutes at 100,000: not before the map
def build_open_data_files() -> str:
    return build_files().version


def request_build(*, delay: float | None = None) -> None:
    """Make sure a build runs within `delay` seconds (OPENDATA_BUILD_DELAY_SECONDS): queue
    one, unless one already waits (then brought forward if it waits longer)."""
    seconds = settings.OPENDATA_BUILD_DELAY_SECONDS if delay is None else delay
    due = timezone.now() + timedelta(seconds=seconds)
    waiting = DBTaskResult.objects.filter(
        task_path=build_open_data_files.module_path, status=TaskResultStatus.READY
    )
    if not waiting.exists():
        build_open_data_files.using(run_after=due).enqueue()
    elif delay is not None:
        waiting.filter(run_after__gt=due).update(run_after=due)
