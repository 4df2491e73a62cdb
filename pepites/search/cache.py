"""Search answers kept per version of the public data (pepites.core.dataversion), shared by
the processes through the cache: a very common word costs its count and its ranking once
per change of the data, not once per request.

The key also holds this process's index generation, moved by every write to the index
made here (a write that does not move the data version, as in tests, is seen at once).
While the data version is 0 (never moved, e.g. a fresh test database), nothing is kept.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from pepites.core import dataversion

T = TypeVar("T")
KEEP_SECONDS = 24 * 3600
_generations = itertools.count(1)
_generation = 0


def index_changed() -> None:
    """Called by every write to the index (services.py)."""
    global _generation
    _generation = next(_generations)


def per_data_version(parts: tuple, compute: Callable[[], T]) -> T:
    version = dataversion.current()
    if not version:
        return compute()
    digest = hashlib.sha256(repr((_generation, parts)).encode()).hexdigest()[:32]
    key = dataversion.versioned_key("search", digest, version=version)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEEP_SECONDS)
    return found
