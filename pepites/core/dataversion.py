"""The public data version: one counter that every write visible to the public moves.

Domain services call `bump()` inside the transaction of their write (the counter's row is
updated in the same transaction, so the new version and the new data commit together);
readers call `current()` to know whether what they built or cached is still the latest,
e.g. the ETag of a public page (pepites/web/caching.py) or a file built once per version.

The counter only grows, by jumps to the current time (see bump()). `current()` reads the row at most every DATA_VERSION_SECONDS per process: a write made by
this process is seen at once (bump() forgets the remembered value), one made by another
server within that delay. Any domain (initiatives, centres, themes, QPV, publications,
and those to come) bumps the same counter: the public pages mix them all.

`code_version()` is the other half of a public page's identity: a fingerprint of the code,
templates, translations and static manifest this process serves, the same on every server
running the same release.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from pepites.core.models import DataVersion

PUBLIC = "public"
_PACKAGE = Path(__file__).resolve().parent.parent  # pepites/
_CODE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".json", ".mo", ".js", ".css", ".svg"}


class _Remembered:
    lock = threading.Lock()
    values: dict[str, tuple[int, float]] = {}  # name → (value, monotonic time read)


def _forget(name: str) -> None:
    with _Remembered.lock:
        _Remembered.values.pop(name, None)


def bump(name: str = PUBLIC) -> None:
    """Move the counter `name` on; call it inside the transaction of the write.

    The new value is at least the current time in microseconds: a value is never given
    twice to different data, even after a restored backup took the counter back (the
    restored value names the very state it was saved with), so what is kept under a
    version (pages, counts in the cache) is never mistaken for other data."""
    now = time.time_ns() // 1000
    updated = DataVersion.objects.filter(name=name).update(
        value=Greatest(F("value") + 1, Value(now))
    )
    if not updated:
        DataVersion.objects.get_or_create(name=name, defaults={"value": now})
    _forget(name)
    # Another thread may have read the old value before the commit: forget it again after.
    transaction.on_commit(lambda: _forget(name))


def remembered(name: str = PUBLIC) -> int | None:
    """The value current() would give without reading the database, when it has one."""
    with _Remembered.lock:
        found = _Remembered.values.get(name)
    if found is not None and time.monotonic() - found[1] < settings.DATA_VERSION_SECONDS:
        return found[0]
    return None


def current(name: str = PUBLIC) -> int:
    """The counter's value, re-read at most every DATA_VERSION_SECONDS by this process."""
    now = time.monotonic()
    known = remembered(name)
    if known is not None:
        return known
    value = DataVersion.objects.filter(name=name).values_list("value", flat=True).first() or 0
    if not transaction.get_connection().in_atomic_block:  # a value others may not see yet
        with _Remembered.lock:
            _Remembered.values[name] = (value, now)
    return value


def versioned_key(name: str, *parts: object, version: int | None = None) -> str:
    """The cache key of something built from the public data by this code: `name`, the
    code version, the data version (`version`, read here when not given), then `parts`
    (language, site address, ids…). A write or a new release makes new keys, so what is
    kept under the old ones is never served."""
    version = current() if version is None else version
    return ":".join(("pepites", name, code_version(), str(version), *map(str, parts)))


@functools.cache
def code_version() -> str:
    """A short fingerprint of what renders the pages: the package's code, templates,
    translations and front-end files, the static files' manifest, and the settings that
    change the pages' bytes. PEPITES_CODE_VERSION (e.g. a release tag) replaces it."""
    explicit = os.environ.get("PEPITES_CODE_VERSION", "").strip()
    if explicit:
        return hashlib.sha256(explicit.encode()).hexdigest()[:12]
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    for name in ("SITE_URL", "MAP_TILES", "CSP_EXTRA_IMG_SOURCES", "LANGUAGE_CODE"):
        digest.update(repr(getattr(settings, name, None)).encode())
    return digest.hexdigest()[:12]


def changes_public_data(function):
    """Decorate a service that writes what the public sees, under its @transaction.atomic:
    the counter moves at the end of the service, in its transaction (its row stays locked
    from there to the commit only)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        bump()
        return result

    return wrapper
