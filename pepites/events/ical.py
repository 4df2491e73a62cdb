"""iCalendar (RFC 5545) files of the agenda, written with the `icalendar` library: feeds
(all events, or one centre's, theme's or région's) and the "ajouter à mon agenda" file of
one event. Times are written in the event's own zone (TZID) with its VTIMEZONE, so that a
calendar shows 9 h at La Réunion as 9 h in La Réunion's time.

The connection link of an online event is only in the file of a confirmed registration.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vGeo
from icalendar import Event as VEvent

from pepites.core import links
from pepites.core.siteurl import site_url
from pepites.events.display import place_label
from pepites.events.models import Event, EventStatus
from pepites.events.timezones import in_zone

PRODID = "-//Pépites//Agenda du réseau des centres de ressources//FR"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _vevent(event: Event, *, online_url: str = "") -> VEvent:
    base = site_url()
    page = links.absolute("events.event", slug=event.slug)
    vevent = VEvent()
    vevent.add("uid", f"{event.uid}@{urlsplit(base).hostname or 'pepites'}")
    vevent.add("dtstamp", timezone.now())
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("sequence", event.version)
    vevent.add("dtstart", in_zone(event.starts_at, event.time_zone))
    vevent.add("dtend", in_zone(event.ends_at, event.time_zone))
    title = event.title + (f" ({_('exemple de démonstration')})" if event.is_demo else "")
    vevent.add("summary", title)
    description = [event.summary]
    if online_url:
        description.append(_("Lien de connexion : %(url)s") % {"url": online_url})
    description.append(page)
    vevent.add("description", "\n\n".join(description))
    location = place_label(event)
    if online_url:
        location = f"{location} — {online_url}" if location else online_url
    if location:
        vevent.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", vGeo((event.latitude, event.longitude)))
    vevent.add("url", page)
    categories = [str(event.get_kind_display()), *(theme.label for theme in event.themes.all())]
    vevent.add("categories", categories)
    vevent.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    return vevent


def _finish(calendar: Calendar, events: list[Event]) -> bytes:
    if events:
        first = min(e.starts_at for e in events).date() - timedelta(days=1)
        last = max(e.ends_at for e in events).date() + timedelta(days=1)
    else:
        first = last = timezone.now().date()
    # The zones' rules for the years the events span (not 1970–2038: smaller files).
    calendar.add_missing_timezones(
        first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
    )
    return calendar.to_ical()


def feed(*, events: Iterable[Event], name: str) -> bytes:
    calendar = _calendar(name)
    listed = list(events)
    for event in listed:
        calendar.add_component(_vevent(event))
    return _finish(calendar, listed)


def event_file(*, event: Event, online_url: str = "") -> bytes:
    """One event, for "ajouter à mon agenda" (with the link for a confirmed registration)."""
    calendar = _calendar(event.title)
    calendar.add_component(_vevent(event, online_url=online_url))
    return _finish(calendar, [event])
