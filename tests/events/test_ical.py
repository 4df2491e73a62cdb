"""The iCalendar files, read back by two independent parsers (icalendar and vobject): the
feeds (all, per centre, theme and région), the "ajouter à mon agenda" file with its
VTIMEZONE, and the connection link only in a confirmed registration's file."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.urls import reverse

from tests.events.helpers import local_in, new_event, sign_up

pytestmark = pytest.mark.django_db

LINK = "https://visio.example.org/salle-secrete"


def parse_both(content: bytes):
    """The calendar as each parser reads it; both must accept the file."""
    first = icalendar.Calendar.from_ical(content)
    second = vobject.readOne(content.decode("utf-8"))
    return first, second


def vevents(calendar) -> list:
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def events(reference_data):
    reunion = new_event(
        title="Visite apprenante à Saint-Denis de La Réunion",
        kind="visite",
        starts_local=datetime(2031, 3, 12, 9, 0),
        ends_local=datetime(2031, 3, 12, 12, 30),
        commune_code="97411",
        centre_ids=[],
        theme_slugs=["emploi-insertion"],
    )
    paris = new_event(
        title="Webinaire sur le commerce",
        kind="webinaire",
        starts_local=datetime(2031, 7, 1, 14, 0),
        ends_local=datetime(2031, 7, 1, 15, 30),
        commune_code="",
        is_online=True,
        online_url=LINK,
    )
    return reunion, paris


def test_the_feed_is_read_back_by_two_parsers_with_local_times(client, events):
    _reunion, _paris = events
    response = client.get(reverse("events:feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    first, second = parse_both(response.content)
    by_uid = {str(e["UID"]): e for e in vevents(first)}
    assert len(by_uid) == 2
    visit = next(e for e in by_uid.values() if "Réunion" in str(e["SUMMARY"]))
    start = visit.decoded("DTSTART")
    assert start.tzinfo is not None and start.replace(tzinfo=None) == datetime(2031, 3, 12, 9, 0)
    assert start.astimezone(UTC) == datetime(2031, 3, 12, 5, 0, tzinfo=UTC)
    assert visit["DTSTART"].params["TZID"] == "Indian/Reunion"
    # Each zone used is described in the file (VTIMEZONE).
    assert {str(tz["TZID"]) for tz in first.walk("VTIMEZONE")} == {"Indian/Reunion", "Europe/Paris"}
    # The second parser reads the same instants.
    starts = sorted(ev.dtstart.value.astimezone(UTC) for ev in second.vevent_list)
    assert starts == [
        datetime(2031, 3, 12, 5, 0, tzinfo=UTC),
        datetime(2031, 7, 1, 12, 0, tzinfo=UTC),
    ]
    assert next(ev.summary.value for ev in second.vevent_list).startswith("Visite apprenante")
    # The connection link of an online event is never in a public file.
    assert LINK.encode() not in response.content


def test_feeds_per_centre_theme_and_region(client, events, people):
    reunion, paris = events
    paris.centres.set([people.pb])
    by_centre = parse_both(
        client.get(reverse("events:feed_centre", args=["profession-banlieue"])).content
    )[0]
    assert [str(e["SUMMARY"]) for e in vevents(by_centre)] == ["Webinaire sur le commerce"]
    by_theme = parse_both(
        client.get(reverse("events:feed_theme", args=["emploi-insertion"])).content
    )[0]
    assert [str(e["SUMMARY"]) for e in vevents(by_theme)] == [reunion.title]
    by_region = parse_both(client.get(reverse("events:feed_region", args=["04"])).content)[0]
    assert [str(e["SUMMARY"]) for e in vevents(by_region)] == [reunion.title]
    assert client.get(reverse("events:feed_region", args=["99"])).status_code == 404


def test_add_to_my_calendar_file_and_the_registrants_own_file(client, events):
    _reunion, webinar = events
    public = client.get(reverse("events:ics", args=[webinar.slug]))
    calendar, second = parse_both(public.content)
    [event] = vevents(calendar)
    assert str(event["URL"]).endswith(f"/agenda/{webinar.slug}/")
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    # Summer time in Paris: 14 h local is 12 h UTC, for the second parser too.
    assert second.vevent.dtstart.value.astimezone(UTC) == datetime(2031, 7, 1, 12, 0, tzinfo=UTC)
    assert LINK.encode() not in public.content
    confirmed = sign_up(webinar, 1)
    mine = client.get(reverse("events:registration_ics", args=[confirmed.token]))
    calendar, _second = parse_both(mine.content)
    assert LINK in str(vevents(calendar)[0]["DESCRIPTION"])
    pending = sign_up(webinar, 2, confirm=False)
    theirs = client.get(reverse("events:registration_ics", args=[pending.token]))
    assert LINK.encode() not in theirs.content


def test_a_cancelled_event_says_so_in_the_feed(client, events):
    from pepites.events.services import set_event_status

    reunion, _webinar = events
    set_event_status(event=reunion, status="annule", expected_version=reunion.version)
    calendar, second = parse_both(client.get(reverse("events:feed")).content)
    statuses = {str(e["SUMMARY"]): str(e["STATUS"]) for e in vevents(calendar)}
    assert statuses[reunion.title] == "CANCELLED"
    assert {ev.status.value for ev in second.vevent_list} == {"CANCELLED", "CONFIRMED"}


def test_drafts_are_in_no_feed(client, reference_data):
    new_event(title="Brouillon secret", status="brouillon", starts_local=local_in(3))
    assert b"Brouillon secret" not in client.get(reverse("events:feed")).content
    assert ZoneInfo("Indian/Reunion")  # the zone database is installed
