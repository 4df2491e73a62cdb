"""The rate limit counts in the database, so every process sees the same count."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from pepites.core import ratelimit
from pepites.core.models import RateLimitHit

HOUR = timedelta(hours=1)


@pytest.mark.django_db
def test_consume_up_to_the_limit():
    results = [ratelimit.consume(keys=["k"], limit=3, window=HOUR) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert RateLimitHit.objects.filter(key="k").count() == 3  # refused ones are not counted


@pytest.mark.django_db
def test_all_keys_must_have_room():
    assert ratelimit.consume(keys=["a", "b"], limit=1, window=HOUR)
    assert not ratelimit.consume(keys=["a", "c"], limit=1, window=HOUR)
    assert not RateLimitHit.objects.filter(key="c").exists()


@pytest.mark.django_db
def test_old_events_fall_out_of_the_window():
    from django.utils import timezone

    RateLimitHit.objects.create(key="k", created_at=timezone.now() - timedelta(hours=2))
    assert ratelimit.consume(keys=["k"], limit=1, window=HOUR)
    assert RateLimitHit.objects.filter(key="k").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_exceed_the_limit():
    """Twelve requests at once, each with its own database connection as a separate server
    process would have: exactly the limit passes."""
    barrier = threading.Barrier(12)
    results = []
    lock = threading.Lock()

    def request():
        try:
            barrier.wait()
            ok = ratelimit.consume(keys=["concurrent"], limit=5, window=HOUR)
            with lock:
                results.append(ok)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True] * 5
    assert RateLimitHit.objects.filter(key="concurrent").count() == 5


def test_client_ip(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    settings.CLIENT_IP_HEADER = ""
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    assert ratelimit.client_ip(request) == "203.0.113.9"


def test_hashed_values_are_not_readable():
    assert "203.0.113.9" not in ratelimit.hashed("203.0.113.9")
    assert ratelimit.hashed("a") == ratelimit.hashed("a") != ratelimit.hashed("b")
