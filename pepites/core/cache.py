"""The shared cache (Redis) as an optimisation that can fail: when Redis is down or silent,
every cache call degrades to a miss (reads) or a no-op (writes) and the page is computed.

A circuit breaker keeps a silent Redis (dropped packets) from costing each request several
socket timeouts: after a failure, the cache is skipped for CACHE_RETRY_SECONDS by every
thread of the process, then tried again. The failure is logged once when the circuit opens
(and at most once a minute while it keeps failing), and once when Redis answers again.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("pepites.cache")
LOG_EVERY_SECONDS = 60.0


class CacheUnavailable(Exception):
    """Redis did not answer (raised by probe() only; cache calls never raise it)."""


class CircuitBreaker:
    """Open for `retry_seconds` after a failure; closed again by the next success."""

    def __init__(self, *, retry_seconds: float, name: str) -> None:
        self.retry_seconds = retry_seconds
        self.name = name
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._failing = False
        self._last_log = float("-inf")

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def retry_in(self) -> float:
        return max(0.0, self._open_until - time.monotonic())

    @property
    def failing(self) -> bool:
        return self._failing

    def failure(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._open_until = now + self.retry_seconds
            first = not self._failing
            self._failing = True
            due = now - self._last_log >= LOG_EVERY_SECONDS
            if first or due:
                self._last_log = now
        if first or due:
            logger.error(
                "Cache %s injoignable (%s : %s) : les pages sont calculées sans cache ; "
                "nouvel essai dans %.0f s.",
                self.name,
                error.__class__.__name__,
                error,
                self.retry_seconds,
            )

    def success(self) -> None:
        if not self._failing:
            return
        with self._lock:
            was_failing, self._failing, self._open_until = self._failing, False, 0.0
        if was_failing:
            logger.warning("Cache %s de nouveau joignable.", self.name)


def _degrading(method_name: str, fallback):
    """Wrap RedisCache.<method_name>: a Redis error counts as a failure and returns
    `fallback(*args, **kwargs)` instead (a miss for reads, nothing for writes)."""
    parent = getattr(RedisCache, method_name)

    @functools.wraps(parent)
    def method(self, *args, **kwargs):
        if self.circuit.is_open():
            return fallback(*args, **kwargs)
        try:
            result = parent(self, *args, **kwargs)
        except self.errors as error:
            self.circuit.failure(error)
            return fallback(*args, **kwargs)
        self.circuit.success()
        return result

    return method


def _default(key, default=None, version=None):
    return default


def _not_found(key, *args, **kwargs):
    # incr() of a missing key raises ValueError in every Django backend.
    raise ValueError(f"Key {key!r} not found.")


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose failures are misses (see the module's docstring).

    Settings: OPTIONS socket_connect_timeout and socket_timeout (seconds, passed to the
    redis connection pool) bound each call; CACHE_RETRY_SECONDS is how long the cache is
    skipped after a failure."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        import redis

        self.errors = (redis.RedisError, OSError)
        self.circuit = CircuitBreaker(
            retry_seconds=float(getattr(settings, "CACHE_RETRY_SECONDS", 10)),
            name=self._servers[0].rpartition("@")[2],  # type: ignore[attr-defined]
        )

    get = _degrading("get", _default)
    get_many = _degrading("get_many", lambda keys, version=None: {})
    has_key = _degrading("has_key", lambda *args, **kwargs: False)
    add = _degrading("add", lambda *args, **kwargs: False)
    set = _degrading("set", lambda *args, **kwargs: None)
    set_many = _degrading("set_many", lambda data, *args, **kwargs: list(data))
    touch = _degrading("touch", lambda *args, **kwargs: False)
    delete = _degrading("delete", lambda *args, **kwargs: False)
    delete_many = _degrading("delete_many", lambda *args, **kwargs: None)
    incr = _degrading("incr", _not_found)
    clear = _degrading("clear", lambda: False)

    def probe(self) -> None:
        """Ping Redis now, whatever the circuit says (readiness); raise CacheUnavailable."""
        try:
            self._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
        except self.errors as error:
            self.circuit.failure(error)
            raise CacheUnavailable(f"{error.__class__.__name__}: {error}") from error
        self.circuit.success()
