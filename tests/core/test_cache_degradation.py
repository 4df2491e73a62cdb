"""Redis is an optimisation: down (closed port) or silent (accepts, never answers), the
public pages are still served, each costing at most one cache timeout, and the failure is
logged once, not per request (pepites/core/cache.py)."""

from __future__ import annotations

import logging
import os
import time

import pytest
from django.urls import reverse

from pepites.core.cache import ResilientRedisCache
from tests.core.silent_servers import closed_port, silent_server
from tests.initiatives.helpers import new_initiative

TIMEOUT = 0.3


def resilient(url: str, retry_seconds: float = 30) -> ResilientRedisCache:
    backend = ResilientRedisCache(
        url, {"OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT}}
    )
    backend.circuit.retry_seconds = retry_seconds
    return backend


def redis_settings(settings, url: str) -> None:
    settings.CACHE_RETRY_SECONDS = 30
    settings.CACHES = {
        "default": {
            "BACKEND": "pepites.core.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
        }
    }


@pytest.fixture(params=["closed", "silent"])
def dead_redis(request):
    """The URL of a Redis that is down, or that drops packets."""
    if request.param == "closed":
        yield f"redis://127.0.0.1:{closed_port()}/0"
    else:
        with silent_server() as port:
            yield f"redis://127.0.0.1:{port}/0"


def test_every_call_degrades_to_a_miss_and_the_circuit_skips_redis(dead_redis, caplog):
    backend = resilient(dead_redis)
    caplog.set_level(logging.WARNING, logger="pepites.cache")
    started = time.monotonic()
    assert backend.get("k", "défaut") == "défaut"
    first = time.monotonic() - started
    assert first < TIMEOUT + 0.25  # one timeout, no retry
    started = time.monotonic()
    backend.set("k", 1)
    assert backend.add("k", 1) is False
    assert backend.get_many(["a", "b"]) == {}
    assert backend.get_or_set("k", lambda: "calculé") == "calculé"
    assert backend.has_key("k") is False
    backend.delete("k")
    with pytest.raises(ValueError):
        backend.incr("compteur")
    for _ in range(50):
        backend.get("k")
    assert time.monotonic() - started < 0.1  # the circuit is open: Redis is not tried
    assert len(caplog.records) == 1
    assert caplog.records[0].levelname == "ERROR"
    assert "injoignable" in caplog.records[0].getMessage()


def test_after_the_retry_delay_redis_is_tried_again_and_the_failure_not_relogged(caplog):
    backend = resilient(f"redis://127.0.0.1:{closed_port()}/0", retry_seconds=0.05)
    caplog.set_level(logging.WARNING, logger="pepites.cache")
    backend.get("k")
    time.sleep(0.1)
    assert not backend.circuit.is_open()
    backend.get("k")
    assert backend.circuit.is_open()  # tried, failed again
    assert len(caplog.records) == 1  # logged at most once a minute


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_recovery_is_logged_once_and_values_are_kept_again(caplog):
    backend = resilient(os.environ["REDIS_URL"])
    caplog.set_level(logging.WARNING, logger="pepites.cache")
    backend.circuit.failure(ConnectionError("simulée"))
    backend.circuit._open_until = 0.0
    backend.set("pepites-test-recovery", 42, 30)
    assert backend.get("pepites-test-recovery") == 42
    backend.delete("pepites-test-recovery")
    assert [r.getMessage() for r in caplog.records][-1].endswith("de nouveau joignable.")


@pytest.fixture
def public_site(reference_data):
    return new_initiative(title="Une épicerie solidaire", status="publiee")


@pytest.mark.django_db
def test_public_pages_answer_200_with_redis_down_or_silent(
    client, settings, dead_redis, public_site, caplog
):
    redis_settings(settings, dead_redis)
    caplog.set_level(logging.ERROR, logger="pepites.cache")
    pages = [
        reverse("home"),
        reverse("centre_list"),
        reverse("theme_list"),
        reverse("initiative_detail", kwargs={"slug": public_site.slug}),
        reverse("map_data"),
        reverse("qpv_list"),
    ]
    timings = []
    for url in pages * 2:
        started = time.monotonic()
        response = client.get(url)
        timings.append(time.monotonic() - started)
        if response.streaming:  # the map data: reading it to its end closes the file
            b"".join(response.streaming_content)
        assert response.status_code == 200, url
    # The first failure opens the circuit: no page waits more than one timeout for Redis.
    assert sum(timings) < TIMEOUT + 0.5 * len(timings)
    assert len([r for r in caplog.records if r.name == "pepites.cache"]) == 1
    ready = client.get(reverse("readiness"))
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
