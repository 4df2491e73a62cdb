"""Building the map's data file once per change for the whole deployment (a queued job).

A write through the services calls `mapstore.data_changed()`, which queues one
`initiatives.tasks.build_map_data` unless one is already waiting: a burst of writes is
coalesced into the build that runs next, and that build reads the latest data. The build
stores a new `MapDataVersion`, then moves the pointer in one UPDATE: until then every app
server keeps serving the previous version, and a failed build leaves it in place. Versions
that stopped being current are deleted MAPDATA_GRACE_SECONDS later, by which time every
app server has re-read the pointer many times (MAPDATA_VERSION_SECONDS).
"""

from __future__ import annotations

import gzip
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import brotli
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from pepites.core.jobs import job
from pepites.initiatives import mapdata
from pepites.initiatives.mapversions import MapDataPointer, MapDataVersion

logger = logging.getLogger(__name__)
POINTER = 1  # the pointer row's primary key


@dataclass(frozen=True)
class BuildResult:
    version: str
    built: bool  # False: already current, or already stored (switched to it)
    seconds: float


def current_version() -> str | None:
    """The version every app server serves (one indexed read), None before the first build."""
    return (
        MapDataPointer.objects.filter(pk=POINTER).values_list("current__version", flat=True).first()
    )


def build_latest() -> BuildResult:
    """Build the data as it is now, unless the current version already holds it."""
    started = time.monotonic()
    signature = mapdata.data_signature()
    if signature == current_version():
        return BuildResult(signature, built=False, seconds=time.monotonic() - started)
    read_at = timezone.now()
    built = mapdata.build()  # reads its own consistent snapshot, signature included
    stored = MapDataVersion.objects.filter(version=built.version).first()
    made = stored is None
    if made:
        stored = _store(built, read_at=read_at, seconds=time.monotonic() - started)
    _switch(stored, read_at=read_at)
    prune()
    seconds = time.monotonic() - started
    logger.info(
        "Données de la carte : version %s (%d initiatives, %.2f s)",
        built.version,
        built.count,
        seconds,
    )
    return BuildResult(built.version, built=made, seconds=seconds)


def _store(built: mapdata.Built, *, read_at, seconds: float) -> MapDataVersion:
    # Deterministic bytes (no timestamp): the same version always has the same ETag.
    # gzip 6, not 9: 0.3 % larger at 100,000 initiatives, a sixth of the time (0.08 s,
    # not 0.45 s), on the same cores as the pages while edits keep coming.
    compressed = {
        "gzip": gzip.compress(built.raw, compresslevel=6, mtime=0),
        "brotli": brotli.compress(built.raw, quality=9),
    }
    try:
        with transaction.atomic():
            return MapDataVersion.objects.create(
                version=built.version,
                count=built.count,
                raw_size=len(built.raw),
                read_at=read_at,
                build_seconds=seconds,
                **compressed,
            )
    except IntegrityError:  # another worker stored the same version meanwhile
        return MapDataVersion.objects.get(version=built.version)


def _switch(stored: MapDataVersion, *, read_at) -> None:
    """Point every app server at `stored`, unless a newer read is already current."""
    now = timezone.now()
    with transaction.atomic():
        previous = current_version()
        moved = (
            MapDataPointer.objects.filter(pk=POINTER)
            .filter(Q(read_at__lte=read_at) | Q(current__version=stored.version))
            .update(current=stored, read_at=read_at, switched_at=now)
        )
        if not moved and not MapDataPointer.objects.filter(pk=POINTER).exists():
            try:
                with transaction.atomic():
                    MapDataPointer.objects.create(pk=POINTER, current=stored, read_at=read_at)
                moved = 1
            except IntegrityError:  # created by another worker: a newer read won
                moved = 0
        if moved:
            MapDataVersion.objects.filter(pk=stored.pk).update(superseded_at=None)
            if previous and previous != stored.version:
                MapDataVersion.objects.filter(version=previous).update(superseded_at=now)
        else:  # a newer version is already served: this one is superseded from the start
            MapDataVersion.objects.filter(pk=stored.pk, superseded_at=None).update(
                superseded_at=now
            )


def prune() -> int:
    """Delete the versions superseded more than MAPDATA_GRACE_SECONDS ago."""
    limit = timezone.now() - timedelta(seconds=settings.MAPDATA_GRACE_SECONDS)
    current = MapDataPointer.objects.filter(pk=POINTER).values_list("current_id", flat=True)
    deleted, _ = (
        MapDataVersion.objects.filter(superseded_at__lt=limit).exclude(pk__in=current).delete()
    )
    return deleted


@job(retries=3, backoff=5)
def build_map_data() -> str:
    """One build for the whole deployment, queued by mapstore.data_changed()."""
    result = build_latest()
    return f"{result.version} ({'construite' if result.built else 'déjà à jour'})"
