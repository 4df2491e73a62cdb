"""The time zones of the network's events: metropolitan France and the overseas territories.

An event's times are stored in UTC with the zone they happen in; the zone is derived from
the département of its place (an event in La Réunion is at La Réunion's time) unless the
organiser chooses another one, and the times are always shown in that zone, with its name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "Europe/Paris"

# Zone → what a French reader calls it.
TIME_ZONES = {
    "Europe/Paris": _("heure de Paris"),
    "America/Guadeloupe": _("heure de la Guadeloupe"),
    "America/Martinique": _("heure de la Martinique"),
    "America/Cayenne": _("heure de la Guyane"),
    "Indian/Reunion": _("heure de La Réunion"),
    "Indian/Mayotte": _("heure de Mayotte"),
    "America/Miquelon": _("heure de Saint-Pierre-et-Miquelon"),
    "America/St_Barthelemy": _("heure de Saint-Barthélemy"),
    "America/Marigot": _("heure de Saint-Martin"),
    "Pacific/Wallis": _("heure de Wallis-et-Futuna"),
    "Pacific/Tahiti": _("heure de Tahiti (Polynésie française)"),
    "Pacific/Noumea": _("heure de la Nouvelle-Calédonie"),
}

# COG code of an overseas département or collectivity → its zone; any other: Paris.
DEPARTEMENT_TIME_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}


def zone_for_departement(code: str | None) -> str:
    return DEPARTEMENT_TIME_ZONES.get(code or "", DEFAULT_TIME_ZONE)


def zone_label(name: str) -> str:
    return str(TIME_ZONES.get(name, name))


def utc_offset_label(moment: datetime) -> str:
    """« UTC+4 », « UTC−3 », « UTC+1 » of an aware datetime."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


class NonexistentLocalTime(ValueError):
    """A local time skipped by a change to summer time (e.g. 2:30 on the last Sunday of March)."""


def to_utc(local: datetime, zone: str) -> datetime:
    """The instant a naive local time designates in `zone`; refuses a skipped time (an
    ambiguous one, repeated in autumn, is read as the first of the two)."""
    info = ZoneInfo(zone)
    aware = local.replace(tzinfo=info, fold=0)
    back = aware.astimezone(ZoneInfo("UTC")).astimezone(info)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(local)
    return aware.astimezone(ZoneInfo("UTC"))


def in_zone(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))
