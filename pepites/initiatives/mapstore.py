"""The map's data file as this app server serves it, and the signal that it must change.

Each process keeps the current version's compressed bytes in memory, read from the database
once per version (pepites/initiatives/mapversions.py), and re-reads the pointer at most
every MAPDATA_VERSION_SECONDS: most requests cost no query. While one thread loads a new
version, the others keep answering with the previous one; nothing is ever read from a file
that another process could have pruned.
"""

from __future__ import annotations

import gzip
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pepites.initiatives import mapbuild
from pepites.initiatives.mapversions import MapDataVersion

logger = logging.getLogger(__name__)
ENCODINGS = ("br", "gzip", "identity")


class MapDataUnavailable(Exception):
    """Nothing built yet, and the first build failed."""


@dataclass
class Served:
    """One version's bytes, in memory."""

    version: str
    count: int
    gzip: bytes
    br: bytes
    _raw: bytes | None = field(default=None, repr=False)

    def etag(self, encoding: str) -> str:
        return f'"{self.version}-{encoding}"'

    def body(self, encoding: str) -> bytes:
        if encoding == "br":
            return self.br
        if encoding == "gzip":
            return self.gzip
        if self._raw is None:  # rare (clients accepting no compression): decompressed once
            self._raw = gzip.decompress(self.gzip)
        return self._raw


class _Current:
    lock = threading.Lock()  # reading the pointer
    loading = threading.Lock()  # loading a version's bytes
    version: str | None = None
    checked: float = float("-inf")
    served: Served | None = None


def _fresh() -> bool:
    return time.monotonic() - _Current.checked < settings.MAPDATA_VERSION_SECONDS


def current_version(*, outside_request: bool = False) -> str | None:
    """The version the deployment serves, re-read at most every MAPDATA_VERSION_SECONDS.
    `outside_request`: for the WSGI fast path, which runs outside Django's request cycle,
    connections are checked before and closed after, as Django does around a request."""
    if _Current.version is not None and _fresh():
        return _Current.version
    with _Current.lock:
        if _Current.version is not None and _fresh():
            return _Current.version
        if outside_request:
            close_old_connections()
        try:
            _Current.version = mapbuild.current_version()
        finally:
            if outside_request:
                close_old_connections()
        _Current.checked = time.monotonic()
        return _Current.version


def current_mapdata(*, outside_request: bool = False) -> Served:
    """The bytes of the current version; the previous ones while another thread loads them.
    Before the very first build (a new instance), the data are built here, once."""
    version = current_version(outside_request=outside_request)
    served = _Current.served
    if served is not None and served.version == version:
        return served
    # Without bytes in hand, wait for the loading thread; with them, do not wait.
    if not _Current.loading.acquire(blocking=served is None):
        return served
    try:
        if outside_request:
            close_old_connections()
        loaded = _load(version)
        if loaded is None and version is None:
            loaded = _first_build()
        if loaded is not None:
            _Current.served = loaded
        elif served is None:
            raise MapDataUnavailable(f"map data version {version} not found")
        return _Current.served
    finally:
        _Current.loading.release()
        if outside_request:
            close_old_connections()


def _load(version: str | None) -> Served | None:
    """The version's bytes from the database; if it was pruned meanwhile (a process that
    read the pointer long ago), those of the version now current."""
    for wanted in (version, mapbuild.current_version()):
        if wanted is None:
            continue
        if _Current.served is not None and _Current.served.version == wanted:
            return _Current.served
        row = (
            MapDataVersion.objects.filter(version=wanted)
            .values_list("version", "count", "gzip", "brotli")
            .first()
        )
        if row is not None:
            _Current.version, _Current.checked = row[0], time.monotonic()
            return Served(row[0], row[1], bytes(row[2]), bytes(row[3]))
    return None


def _first_build() -> Served | None:
    try:
        mapbuild.build_latest()
    except Exception as error:
        logger.exception("Première construction des données de la carte")
        raise MapDataUnavailable("first build failed") from error
    return _load(mapbuild.current_version())


# Called after every change of the data too, e.g. the open-data files' build (registered by
# the app's ready(): the exports read the map's data, not the other way round).
_followers: list[Callable[[], None]] = []


def on_data_changed(follower: Callable[[], None]) -> None:
    if follower not in _followers:
        _followers.append(follower)


def data_changed() -> None:
    """Called by the services after a write: queue a build of the map's data, unless one
    is already waiting (a burst of writes makes one build, of the latest data), and one of
    the open-data files a little later. Queued in the writer's transaction: a rolled-back
    write queues nothing."""
    waiting = DBTaskResult.objects.filter(
        task_path=mapbuild.build_map_data.module_path, status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        mapbuild.build_map_data.enqueue()
    for follower in _followers:
        follower()


def forget_current() -> None:
    """Drop this process's memory of the version and bytes (tests)."""
    with _Current.lock:
        _Current.version, _Current.served, _Current.checked = None, None, float("-inf")
