"""An event's times as people read them: in the event's own zone, named, with the time in
Paris beside it for an overseas event."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from pepites.events.models import Event
from pepites.events.timezones import DEFAULT_TIME_ZONE, in_zone, utc_offset_label, zone_label


def _time(moment: datetime) -> str:
    return f"{moment.hour} h {moment.minute:02d}"


def _day(moment: datetime) -> str:
    return formats.date_format(moment.replace(tzinfo=None), "l j F Y")


def span_label(starts: datetime, ends: datetime) -> str:
    """« jeudi 12 mars 2026, 9 h 30 – 12 h 00 », or from one day to another."""
    if starts.date() == ends.date():
        return _("%(day)s, %(start)s – %(end)s") % {
            "day": _day(starts),
            "start": _time(starts),
            "end": _time(ends),
        }
    return _("du %(day1)s, %(start)s au %(day2)s, %(end)s") % {
        "day1": _day(starts),
        "start": _time(starts),
        "day2": _day(ends),
        "end": _time(ends),
    }


def when_label(event: Event) -> str:
    """The dates in the event's zone, with the zone's name and offset."""
    starts, ends = (
        in_zone(event.starts_at, event.time_zone),
        in_zone(event.ends_at, event.time_zone),
    )
    return _("%(span)s (%(zone)s, %(offset)s)") % {
        "span": span_label(starts, ends),
        "zone": zone_label(event.time_zone),
        "offset": utc_offset_label(starts),
    }


def paris_label(event: Event) -> str:
    """For an event outside Paris's zone: the same times in Paris; else ""."""
    if event.time_zone == DEFAULT_TIME_ZONE:
        return ""
    starts = in_zone(event.starts_at, DEFAULT_TIME_ZONE)
    ends = in_zone(event.ends_at, DEFAULT_TIME_ZONE)
    return _("soit, à Paris : %(span)s") % {"span": span_label(starts, ends)}


def place_label(event: Event) -> str:
    parts = [event.venue, event.address]
    commune = event.commune if event.commune_id else None
    if commune is not None and commune.name.lower() not in event.address.lower():
        parts.append(commune.name)
    label = ", ".join(part for part in parts if part)
    if event.is_online:
        return _("En ligne") + (f" — {label}" if label else "")
    return label
