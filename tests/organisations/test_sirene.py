"""The directory client against a local fake of recherche-entreprises.api.gouv.fr: found,
closed, not found, 429 then success, timeout (a clear message in bounded time)."""

import time

import pytest
from django.core.cache import caches

from pepites.organisations.sirene import LookupStatus, SireneClient
from tests.organisations.fake_sirene import ACTIVE_SIRET, CLOSED_SIRET, FakeSirene


@pytest.fixture
def fake():
    server = FakeSirene().start()
    yield server
    server.stop()


@pytest.fixture
def client(fake):
    cache = caches["default"]
    cache.clear()
    with SireneClient(
        base_url=fake.url, timeout=0.5, retries=2, budget_s=3, cache=cache, sleep=lambda s: None
    ) as c:
        yield c


def test_found(client, fake):
    record = client.lookup_siret("356 000 000 00048")
    assert record.status is LookupStatus.FOUND
    assert record.legal_name == "LA POSTE"
    assert record.naf_code == "53.10Z"
    assert record.creation_date == "1991-01-01"
    assert record.headcount_band == "53"
    assert record.is_ess is False
    assert record.administrative_state == "A" and not record.is_closed
    assert fake.requests[-1]["query"]["q"] == ACTIVE_SIRET


def test_closed(client):
    record = client.lookup_siret(CLOSED_SIRET)
    assert record.found and record.is_closed
    assert record.closed_on == "2025-12-31"
    assert record.is_ess is True


def test_not_found(client):
    record = client.lookup_siret("73282932000074")
    assert record.status is LookupStatus.NOT_FOUND
    assert "Aucun établissement" in record.message


def test_an_invalid_siret_is_not_sent(client, fake):
    record = client.lookup_siret("73282932000075")
    assert record.status is LookupStatus.NOT_FOUND and "clé" in record.message
    assert fake.requests == []


def test_429_then_success_waits_retry_after(fake):
    waits = []
    fake.then(status=429, body={"erreur": "Trop de requêtes"}, headers={"Retry-After": "1"})
    with SireneClient(
        base_url=fake.url, timeout=1, retries=2, cache=caches["default"], sleep=waits.append
    ) as client:
        caches["default"].clear()
        record = client.lookup_siret(ACTIVE_SIRET)
    assert record.found
    assert waits == [1.0]
    assert len(fake.requests) == 2


def test_timeout_gives_a_clear_message_in_bounded_time(fake):
    for _ in range(3):
        fake.then(delay=1.0, body={"results": []})
    caches["default"].clear()
    started = time.monotonic()
    with SireneClient(
        base_url=fake.url, timeout=0.2, retries=2, budget_s=2, cache=caches["default"]
    ) as client:
        record = client.lookup_siret(ACTIVE_SIRET)
    assert time.monotonic() - started < 3
    assert record.status is LookupStatus.UNAVAILABLE
    assert "Annuaire des entreprises injoignable" in record.message
    assert "délai" in record.message


def test_answers_are_cached(client, fake):
    client.lookup_siret(ACTIVE_SIRET)
    client.lookup_siret(ACTIVE_SIRET)
    assert len(fake.requests) == 1
