"""The BAN geocoder client against a local fake server: found, uncertain, not found,
429 then success, timeouts, errors, cache and batches."""

import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.core.cache.backends.locmem import LocMemCache

from pepites.territories.geocoding import (
    BanGeocoder,
    BatchAddress,
    GeocodeStatus,
    parse_retry_after,
)
from tests.territories.fake_ban import FakeBan

SAINT_DENIS = "6 rue de la République, Saint-Denis"


@pytest.fixture
def fake_ban():
    server = FakeBan().start()
    yield server
    server.stop()


@pytest.fixture
def waits():
    return []


@pytest.fixture
def cache():
    return LocMemCache(f"geocoding-{uuid.uuid4()}", {})


@pytest.fixture
def geocoder(fake_ban, waits, cache):
    with BanGeocoder(
        base_url=fake_ban.url,
        timeout=2,
        retries=2,
        min_score=0.5,
        cache=cache,
        sleep=waits.append,
    ) as client:
        yield client


def test_found(geocoder, fake_ban):
    result = geocoder.search(address=SAINT_DENIS, citycode="93066")
    assert result.status is GeocodeStatus.FOUND
    assert not result.needs_review
    assert (result.longitude, result.latitude) == (2.358, 48.9355)
    assert result.label == "6 Rue de la République 93200 Saint-Denis"
    assert (result.citycode, result.postcode, result.result_type) == (
        "93066",
        "93200",
        "housenumber",
    )
    assert result.score == 0.93
    (request,) = fake_ban.requests
    assert request["path"] == "/search"
    assert request["query"] == {
        "q": SAINT_DENIS,
        "limit": "1",
        "index": "address",
        "citycode": "93066",
    }
    assert request["headers"]["User-Agent"].startswith("Pepites")
    assert result.location_fields() == {
        "location_status": "found",
        "latitude": 48.9355,
        "longitude": 2.358,
    }


def test_uncertain_below_the_minimum_score(geocoder):
    result = geocoder.search(address="Rue des Lilas, Meaux")
    assert result.status is GeocodeStatus.UNCERTAIN
    assert result.needs_review and result.located
    assert "0.41" in result.message
    assert result.location_fields()["location_status"] == "uncertain"


def test_not_found(geocoder):
    result = geocoder.search(address="1 impasse Introuvable, Nulle-Part")
    assert result.status is GeocodeStatus.NOT_FOUND
    assert not result.located
    assert result.location_fields() == {"location_status": "not_found"}


def test_citycode_restricts_the_search(geocoder):
    result = geocoder.search(address=SAINT_DENIS, citycode="97411")
    assert result.status is GeocodeStatus.NOT_FOUND


def test_too_short_a_query_is_not_sent(geocoder, fake_ban):
    assert geocoder.search(address=" a ").status is GeocodeStatus.NOT_FOUND
    assert fake_ban.requests == []


def test_429_then_success_waits_retry_after(geocoder, fake_ban, waits):
    fake_ban.then("/search", status=429, headers={"Retry-After": "2"})
    result = geocoder.search(address=SAINT_DENIS)
    assert result.status is GeocodeStatus.FOUND
    assert fake_ban.count("/search") == 2
    assert waits == [2.0]


def test_429_with_an_http_date(geocoder, fake_ban, waits):
    when = datetime.now(UTC) + timedelta(seconds=5)
    fake_ban.then(
        "/search", status=429, headers={"Retry-After": format_datetime(when, usegmt=True)}
    )
    assert geocoder.search(address=SAINT_DENIS).status is GeocodeStatus.FOUND
    assert len(waits) == 1 and 0 < waits[0] <= 5


def test_429_asking_too_long_a_wait_gives_up(geocoder, fake_ban, waits):
    fake_ban.then("/search", status=429, headers={"Retry-After": "3600"})
    result = geocoder.search(address=SAINT_DENIS)
    assert result.status is GeocodeStatus.UNAVAILABLE
    assert "3600" in result.message
    assert fake_ban.count("/search") == 1 and waits == []


def test_server_errors_are_retried_with_backoff(geocoder, fake_ban, waits):
    fake_ban.then("/search", status=503)
    fake_ban.then("/search", status=502)
    assert geocoder.search(address=SAINT_DENIS).status is GeocodeStatus.FOUND
    assert waits == [0.5, 1.0]


def test_timeout_makes_the_service_unavailable(fake_ban, waits, cache):
    fake_ban.then("/search", delay=1.0)
    fake_ban.then("/search", delay=1.0)
    with BanGeocoder(
        base_url=fake_ban.url, timeout=0.2, retries=1, cache=cache, sleep=waits.append
    ) as client:
        result = client.search(address=SAINT_DENIS)
    assert result.status is GeocodeStatus.UNAVAILABLE
    assert "délai" in result.message
    assert fake_ban.count("/search") == 2


def test_timeout_then_success(fake_ban, waits, cache):
    fake_ban.then("/search", delay=1.0)
    with BanGeocoder(
        base_url=fake_ban.url, timeout=0.2, retries=1, cache=cache, sleep=waits.append
    ) as client:
        assert client.search(address=SAINT_DENIS).status is GeocodeStatus.FOUND


def test_unreachable_service(waits, cache):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with BanGeocoder(
        base_url=f"http://127.0.0.1:{port}", retries=1, cache=cache, sleep=waits.append
    ) as client:
        result = client.search(address=SAINT_DENIS)
    assert result.status is GeocodeStatus.UNAVAILABLE
    assert "connexion impossible" in result.message


def test_malformed_answer(geocoder, fake_ban):
    fake_ban.then("/search", body="<html>maintenance</html>")
    assert geocoder.search(address=SAINT_DENIS).status is GeocodeStatus.UNAVAILABLE
    fake_ban.then("/search", body={"type": "FeatureCollection"})
    assert geocoder.search(address=SAINT_DENIS).status is GeocodeStatus.UNAVAILABLE


def test_bad_request_means_not_found(geocoder, fake_ban):
    fake_ban.then("/search", status=400, body={"code": 400, "message": "q must contain"})
    assert geocoder.search(address="??? bizarre").status is GeocodeStatus.NOT_FOUND


def test_answers_are_cached_but_not_failures(geocoder, fake_ban):
    fake_ban.then("/search", status=503)
    fake_ban.then("/search", status=503)
    fake_ban.then("/search", status=503)
    assert geocoder.search(address=SAINT_DENIS).status is GeocodeStatus.UNAVAILABLE
    assert geocoder.search(address=SAINT_DENIS).status is GeocodeStatus.FOUND
    requests = fake_ban.count("/search")
    assert (
        geocoder.search(address="6  rue de la République,  Saint-Denis").status
        is GeocodeStatus.FOUND
    )
    assert fake_ban.count("/search") == requests


def test_a_stricter_minimum_applies_to_cached_answers(fake_ban, cache):
    with BanGeocoder(base_url=fake_ban.url, min_score=0.5, cache=cache) as client:
        assert client.search(address=SAINT_DENIS).status is GeocodeStatus.FOUND
    with BanGeocoder(base_url=fake_ban.url, min_score=0.95, cache=cache) as client:
        assert client.search(address=SAINT_DENIS).status is GeocodeStatus.UNCERTAIN
    assert fake_ban.count("/search") == 1


def test_reverse(geocoder, fake_ban):
    result = geocoder.reverse(latitude=48.9355, longitude=2.358)
    assert result.status is GeocodeStatus.FOUND
    assert result.label.startswith("6 Rue de la République")
    assert fake_ban.requests[0]["query"] == {"lat": "48.935500", "lon": "2.358000", "limit": "1"}


def test_batch_through_search_csv(geocoder, fake_ban):
    geocoder.search(address="Rue des Lilas, Meaux")  # already cached: not sent again
    results = geocoder.search_batch(
        [
            BatchAddress("a", SAINT_DENIS, citycode="93066"),
            BatchAddress("b", "Rue des Lilas, Meaux"),
            BatchAddress("c", "1 impasse Introuvable"),
            BatchAddress("d", "x"),
        ]
    )
    assert {key: r.status for key, r in results.items()} == {
        "a": GeocodeStatus.FOUND,
        "b": GeocodeStatus.UNCERTAIN,
        "c": GeocodeStatus.NOT_FOUND,
        "d": GeocodeStatus.NOT_FOUND,
    }
    assert results["a"].latitude == 48.9355
    (batch,) = [r for r in fake_ban.requests if r["path"] == "/search/csv"]
    assert batch["method"] == "POST"
    assert batch["form"] == {"columns": "adresse", "citycode": "citycode"}
    # The batch fills the cache of single searches.
    before = len(fake_ban.requests)
    assert geocoder.search(address=SAINT_DENIS, citycode="93066").status is GeocodeStatus.FOUND
    assert len(fake_ban.requests) == before


def test_batch_with_the_service_down(geocoder, fake_ban):
    for _ in range(3):
        fake_ban.then("/search/csv", status=503)
    results = geocoder.search_batch([BatchAddress("a", SAINT_DENIS)])
    assert results["a"].status is GeocodeStatus.UNAVAILABLE


def test_batch_after_a_429(geocoder, fake_ban, waits):
    fake_ban.then("/search/csv", status=429, headers={"Retry-After": "1"})
    results = geocoder.search_batch([BatchAddress("a", SAINT_DENIS)])
    assert results["a"].status is GeocodeStatus.FOUND
    assert waits == [1.0]


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), ("", None), ("7", 7.0), ("soon", None)]
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_a_silent_service_costs_no_more_than_the_total_budget(fake_ban, cache):
    for _ in range(5):
        fake_ban.then("/search", delay=2.0)
    started = time.monotonic()
    with BanGeocoder(
        base_url=fake_ban.url, timeout=0.4, retries=4, budget_s=1.0, cache=cache
    ) as client:
        result = client.search(address=SAINT_DENIS)
    elapsed = time.monotonic() - started
    assert result.status is GeocodeStatus.UNAVAILABLE
    assert "durée maximale de 1 s atteinte" in result.message
    # Without the budget: 5 attempts of 0.4 s and waits of 0.5 + 1 + 2 + 4 s.
    assert elapsed < 1.4
    assert fake_ban.count("/search") == 2
