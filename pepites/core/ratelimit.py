"""Counting events per key in a sliding window, in the database.

A cache local to one process would undercount as soon as several server processes run;
the database is shared by all of them. Counting and recording happen in one transaction
that holds a lock on the key: an advisory lock on PostgreSQL, the database's single
writer lock on SQLite (the insert comes first), so two concurrent requests can never both
see "one left" and both pass.
"""

import hashlib
import hmac
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from pepites.core.models import RateLimitHit


class _OverLimit(Exception):
    pass


def hashed(value: str) -> str:
    """A keyed hash of a personal value (address, e-mail): countable, not readable."""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the last entry of CLIENT_IP_HEADER (added by
    the reverse proxy in front of us; the entries before it are whatever the client sent)."""
    header = settings.CLIENT_IP_HEADER
    if header:
        meta_name = "HTTP_" + header.upper().replace("-", "_")
        forwarded = [part.strip() for part in request.META.get(meta_name, "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _lock_keys(keys: list[str]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for key in sorted(keys):  # always the same order: no deadlock between two keys
                lock_id = int.from_bytes(
                    hashlib.sha256(key.encode()).digest()[:8], "big", signed=True
                )
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def count(*, key: str, window: timedelta) -> int:
    return RateLimitHit.objects.filter(key=key, created_at__gt=timezone.now() - window).count()


def consume(*, keys: Iterable[str], limit: int, window: timedelta) -> bool:
    """Record one event under every key if none of them already has `limit` events in the
    window; return False (and record nothing) otherwise."""
    keys = list(dict.fromkeys(keys))
    now = timezone.now()
    try:
        with transaction.atomic():
            _lock_keys(keys)
            RateLimitHit.objects.bulk_create(
                [RateLimitHit(key=key, created_at=now) for key in keys]
            )
            for key in keys:
                if count(key=key, window=window) > limit:
                    raise _OverLimit
    except _OverLimit:
        return False
    # Old events of these keys are of no use any more.
    RateLimitHit.objects.filter(key__in=keys, created_at__lte=now - window).delete()
    return True


def record(*, key: str) -> None:
    """Record one event without checking a limit (e.g. a failed login)."""
    with transaction.atomic():
        _lock_keys([key])
        RateLimitHit.objects.create(key=key, created_at=timezone.now())


def is_over(*, key: str, limit: int, window: timedelta) -> bool:
    return count(key=key, window=window) >= limit


def clear(*, key: str) -> None:
    RateLimitHit.objects.filter(key=key).delete()


def purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete the events older than every window in use (run by `manage.py purge_ratelimit`)."""
    deleted, _ = RateLimitHit.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
