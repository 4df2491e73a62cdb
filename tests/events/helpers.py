"""Events for the agenda's tests, made through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from pepites.events.models import Event
from pepites.events.registrations import confirm_registration, register
from pepites.events.services import EventInput, create_event
from pepites.events.timezones import in_zone


def local_in(days: float, hour: int = 9, zone: str = "Europe/Paris") -> datetime:
    """A naive local time `days` from now at `hour` o'clock in `zone`."""
    moment = in_zone(timezone.now() + timedelta(days=days), zone)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)


def new_event(**overrides: Any) -> Event:
    starts = overrides.pop("starts_local", None) or local_in(10)
    data = {
        "title": "Rencontre régionale sur l'emploi dans les quartiers",
        "kind": "rencontre",
        "summary": "Une journée pour partager les initiatives qui marchent.",
        "starts_local": starts,
        "ends_local": overrides.pop("ends_local", None) or starts + timedelta(hours=3),
        "commune_code": "93066",
        "status": "publie",
        "capacity": None,
    }
    data.update(overrides)
    return create_event(data=EventInput(**data))


def sign_up(event: Event, n: int, *, confirm: bool = True, ip: str = "203.0.113.9"):
    """Person n registers (and confirms by the e-mail link)."""
    registration = register(
        event=event,
        name=f"Personne {n}",
        email=f"personne{n}@example.net",
        organisation="Ville de Saint-Denis",
        consent=True,
        ip=f"{ip}{n}" if n < 10 else ip,
    )
    if confirm:
        registration = confirm_registration(token=registration.token)
    return registration
