"""Where an event takes place: its commune (typed, or found by the BAN geocoder from the
address), hence its département, région and time zone, and its point on the map.

The geocoder is asked before any transaction opens; when it cannot answer, the commune
typed by the organiser is enough (the point stays empty, the time zone is still right).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pepites.events.timezones import DEFAULT_TIME_ZONE, zone_for_departement
from pepites.territories.models import Commune


@dataclass(frozen=True)
class Place:
    commune: Commune | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_status: str = ""

    @property
    def time_zone(self) -> str:
        if self.commune is None:
            return DEFAULT_TIME_ZONE
        return zone_for_departement(self.commune.departement_id)


def _geocode(address: str, citycode: str):
    from pepites.territories.geocoding import geocoder

    with geocoder() as client:
        return client.search(address=address, citycode=citycode)


def locate(*, address: str, commune_code: str = "") -> Place:
    """The place of an address, in the commune given when there is one."""
    commune = None
    if commune_code:
        commune = (
            Commune.objects.select_related("departement").filter(code=commune_code.upper()).first()
        )
        if commune is None:
            raise ValidationError(
                {
                    "commune_code": _(
                        "Cette commune n'existe pas dans le Code officiel géographique."
                    )
                }
            )
    address = " ".join(address.split())
    if len(address) < 3:
        if commune is None:
            raise ValidationError({"address": _("Indiquez l'adresse ou la commune du lieu.")})
        return Place(commune=commune)
    result = _geocode(address, commune.code if commune else "")
    if commune is None and result.citycode:
        commune = Commune.objects.select_related("departement").filter(code=result.citycode).first()
    if commune is None:
        raise ValidationError(
            {
                "commune_code": _(
                    "Le géocodeur n'a pas trouvé cette adresse : indiquez la commune du lieu."
                )
            }
        )
    return Place(
        commune=commune,
        latitude=result.latitude if result.located else None,
        longitude=result.longitude if result.located else None,
        location_status=str(result.status),
    )
