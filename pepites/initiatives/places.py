"""Finding initiatives by place: what a visitor types becomes a point on the map.

Communes and postal codes are resolved offline from the COG tables; the COG has no
coordinates, so a commune's point is the centre of its located initiatives, else the
prefecture of its département. Anything else is an address for the BAN geocoder
(pepites/territories/geocoding.py), asked with a short timeout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from pepites.initiatives.mapdata import read_departement_centres
from pepites.initiatives.selectors import communes_and_arrondissements, published_initiatives
from pepites.territories.models import Commune
from pepites.territories.selectors import search_communes

# The place box answers while the visitor waits: no retry, a short timeout.
GEOCODER_TIMEOUT_S = 3.0
COMMUNE_ZOOM = 12
DEPARTEMENT_ZOOM = 10
ADDRESS_ZOOM = 15
MAX_PLACES = 8


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float
    kind: str  # "commune", "address"
    zoom: int
    commune: str = ""  # INSEE code
    approximate: bool = False

    def as_json(self) -> dict:
        return {
            "label": self.label,
            "lat": round(self.latitude, 6),
            "lon": round(self.longitude, 6),
            "kind": self.kind,
            "zoom": self.zoom,
            "commune": self.commune,
            "approximate": self.approximate,
        }


@dataclass(frozen=True)
class PlaceSearch:
    query: str
    places: list[Place] = field(default_factory=list)
    message: str = ""
    unavailable: bool = False

    def as_json(self) -> dict:
        return {
            "query": self.query,
            "places": [place.as_json() for place in self.places],
            "message": self.message,
            "unavailable": self.unavailable,
        }


def commune_label(commune: Commune) -> str:
    return f"{commune.name} ({commune.departement_id})"


def commune_points(communes: list[Commune]) -> list[Place]:
    """A point for each commune, in one query (arrondissements count for their city)."""
    codes = {c.code for c in communes}
    # Published ones only: a draft's place is not public, not even averaged.
    located = published_initiatives().filter(latitude__isnull=False, longitude__isnull=False)
    rows = (
        located.filter(commune_id__in=communes_and_arrondissements(codes))
        .values("commune_id", "commune__parent_id")
        .annotate(lat=Avg("latitude"), lon=Avg("longitude"), n=Count("pk"))
    )
    sums: dict[str, list[float]] = {}
    for row in rows:
        for code in (row["commune_id"], row["commune__parent_id"]):
            if code in codes:
                total = sums.setdefault(code, [0.0, 0.0, 0])
                total[0] += row["lat"] * row["n"]
                total[1] += row["lon"] * row["n"]
                total[2] += row["n"]
    prefectures = read_departement_centres()
    places = []
    for commune in communes:
        total = sums.get(commune.code)
        if total:
            lat, lon, approximate = total[0] / total[2], total[1] / total[2], False
        elif commune.departement_id in prefectures:
            (lat, lon), approximate = prefectures[commune.departement_id], True
        else:
            continue
        places.append(
            Place(
                label=commune_label(commune),
                latitude=lat,
                longitude=lon,
                kind="commune",
                zoom=DEPARTEMENT_ZOOM if approximate else COMMUNE_ZOOM,
                commune=commune.code,
                approximate=approximate,
            )
        )
    return places


def find_place(*, text: str, geocode: bool = True) -> PlaceSearch:
    """Communes first (postal code, INSEE code, name), then the address geocoder."""
    query = " ".join((text or "").split())[:200]
    if not query:
        return PlaceSearch(
            query=query, message=_("Saisissez une commune, un code postal ou une adresse.")
        )
    communes = search_communes(text=query, limit=MAX_PLACES)
    if communes:
        places = commune_points(communes)
        if places:
            return PlaceSearch(query=query, places=places)
    if not geocode:
        return PlaceSearch(
            query=query, message=_("Aucune commune ne correspond à « %(q)s ».") % {"q": query}
        )
    return _geocode(query)


def _geocode(query: str) -> PlaceSearch:
    from pepites.territories.geocoding import GeocodeStatus, geocoder

    with geocoder(timeout=GEOCODER_TIMEOUT_S, retries=0, max_wait_s=GEOCODER_TIMEOUT_S) as client:
        result = client.search(address=query)
    if result.status == GeocodeStatus.UNAVAILABLE:
        return PlaceSearch(
            query=query,
            unavailable=True,
            message=_(
                "Le service de géocodage n'est pas joignable pour le moment : cherchez une "
                "commune ou un code postal, ou réessayez plus tard."
            ),
        )
    if not result.located:
        return PlaceSearch(
            query=query,
            message=_("Aucun lieu trouvé pour « %(q)s » : vérifiez l'orthographe.") % {"q": query},
        )
    return PlaceSearch(
        query=query,
        places=[
            Place(
                label=result.label or query,
                latitude=result.latitude,
                longitude=result.longitude,
                kind="address",
                zoom=ADDRESS_ZOOM,
                commune=result.citycode,
                approximate=result.status != GeocodeStatus.FOUND,
            )
        ],
    )
