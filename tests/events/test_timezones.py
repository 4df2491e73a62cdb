"""Time zones: an event in La Réunion and one in Guyane are stored in UTC and shown in their
own local time with the zone's name; the zone follows the département of the place (also
when the geocoder finds the commune), unless the organiser chooses another."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pepites.events.display import paris_label, when_label
from pepites.events.timezones import to_utc, utc_offset_label, zone_for_departement
from tests.events.helpers import new_event

pytestmark = pytest.mark.django_db


def test_an_event_in_la_reunion_is_at_la_reunions_time(client, reference_data):
    event = new_event(
        commune_code="97411",
        starts_local=datetime(2031, 12, 4, 9, 0),
        ends_local=datetime(2031, 12, 4, 12, 0),
    )
    assert event.time_zone == "Indian/Reunion" and not event.time_zone_chosen
    assert event.starts_at == datetime(2031, 12, 4, 5, 0, tzinfo=UTC)
    assert event.region_id == "04" and event.departement_id == "974"
    label = when_label(event)
    assert label == "jeudi 4 décembre 2031, 9 h 00 – 12 h 00 (heure de La Réunion, UTC+4)"
    assert paris_label(event) == "soit, à Paris : jeudi 4 décembre 2031, 6 h 00 – 9 h 00"
    page = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "9 h 00 – 12 h 00 (heure de La Réunion, UTC+4)" in page


def test_an_event_in_guyane_is_at_guyanes_time(client, reference_data):
    event = new_event(
        commune_code="97302",
        starts_local=datetime(2031, 6, 10, 14, 0),
        ends_local=datetime(2031, 6, 10, 17, 30),
    )
    assert event.time_zone == "America/Cayenne"
    assert event.starts_at == datetime(2031, 6, 10, 17, 0, tzinfo=UTC)
    assert when_label(event) == (
        "mardi 10 juin 2031, 14 h 00 – 17 h 30 (heure de la Guyane, UTC−3)"
    )
    # In June Paris is at UTC+2: five hours ahead of Cayenne.
    assert paris_label(event) == "soit, à Paris : mardi 10 juin 2031, 19 h 00 – 22 h 30"
    listing = client.get(reverse("events:upcoming")).content.decode()
    assert "14 h 00 – 17 h 30 (heure de la Guyane, UTC−3)" in listing


def test_the_zone_comes_from_the_geocoded_commune(reference_data, settings, monkeypatch):
    from django.core.cache import cache

    from tests.territories import fake_ban

    entry = (
        "12 Rue de Paris 97400 Saint-Denis",
        0.95,
        (55.45, -20.88),
        "97411",
        "97400",
        "Saint-Denis",
        "housenumber",
    )
    monkeypatch.setitem(fake_ban.ADDRESS_BOOK, "12 rue de paris saint-denis reunion", entry)
    cache.clear()
    server = fake_ban.FakeBan().start()
    settings.GEOCODER_URL = server.url
    try:
        event = new_event(
            commune_code="",
            address="12 rue de Paris, Saint-Denis, Réunion",
            starts_local=datetime(2031, 12, 4, 9, 0),
            ends_local=datetime(2031, 12, 4, 12, 0),
        )
    finally:
        server.stop()
    assert event.commune_id == "97411" and event.time_zone == "Indian/Reunion"
    assert (event.latitude, event.longitude) == (-20.88, 55.45)
    assert event.location_status == "found"


def test_the_organiser_may_choose_another_zone(reference_data):
    event = new_event(
        commune_code="93066",
        time_zone="America/Martinique",
        starts_local=datetime(2031, 12, 4, 9, 0),
        ends_local=datetime(2031, 12, 4, 10, 0),
    )
    assert event.time_zone == "America/Martinique" and event.time_zone_chosen
    assert event.starts_at == datetime(2031, 12, 4, 13, 0, tzinfo=UTC)


def test_a_time_skipped_by_summer_time_is_refused(reference_data):
    with pytest.raises(ValidationError) as caught:
        new_event(
            starts_local=datetime(2031, 3, 30, 2, 30),
            ends_local=datetime(2031, 3, 30, 4, 0),
        )
    assert "heure d'été" in caught.value.message_dict["starts_local"][0]
    with pytest.raises(ValidationError) as caught:
        new_event(
            starts_local=datetime(2031, 3, 10, 12, 0),
            ends_local=datetime(2031, 3, 10, 11, 0),
        )
    assert caught.value.message_dict["ends_local"] == ["La fin doit venir après le début."]


def test_zone_helpers():
    assert zone_for_departement("973") == "America/Cayenne"
    assert zone_for_departement("93") == "Europe/Paris"
    assert zone_for_departement(None) == "Europe/Paris"
    moment = to_utc(datetime(2031, 1, 1, 12, 0), "Indian/Reunion")
    assert moment == datetime(2031, 1, 1, 8, 0, tzinfo=UTC)
    assert utc_offset_label(moment.astimezone(ZoneInfo("America/Cayenne"))) == "UTC−3"
