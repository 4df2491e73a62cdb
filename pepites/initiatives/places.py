"""Finding initiatives by place: what a visitor types becomes a point on the map.

Communes and postal codes, départements ("93", "Seine-Saint-Denis"), régions and the
resource centres are resolved offline. A commune's point is its official reference point
(its outline's, from `pepites fetch_reference_geodata`), else its département's: never
the initiatives'. Anything else is an address for the BAN geocoder
(pepites/territories/geocoding.py), asked with a short timeout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from django.utils.translation import gettext as _

from pepites.network.models import Centre
from pepites.territories.models import Commune, Departement, Region
from pepites.territories.placement import geodesic_distance_m
from pepites.territories.reference_points import (
    commune_reference_points,
    departement_points,
    departements_point,
    region_point,
)
from pepites.territories.selectors import normalise_place_name, search_communes

# The place box answers while the visitor waits: no retry, a short timeout.
GEOCODER_TIMEOUT_S = 3.0
COMMUNE_ZOOM = 12
DEPARTEMENT_ZOOM = 10
REGION_ZOOM = 7
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


def place_label(commune: Commune) -> str:
    """With the département's name: homonyms ("Saint-Denis") told apart in words."""
    return f"{commune.name} ({commune.departement.name}, {commune.departement_id})"


def commune_points(communes: list[Commune]) -> list[Place]:
    """A point for each commune, from official data (see the module's docstring)."""
    points = commune_reference_points(communes)
    places = []
    for commune in communes:
        if commune.code not in points:
            continue
        lat, lon, approximate = points[commune.code]
        places.append(
            Place(
                label=place_label(commune),
                latitude=lat,
                longitude=lon,
                kind="commune",
                zoom=DEPARTEMENT_ZOOM if approximate else COMMUNE_ZOOM,
                commune=commune.code,
                approximate=approximate,
            )
        )
    return places


_DEPARTEMENT_CODE = re.compile(r"^(\d{2,3}|2[AB])$", re.I)


def territory_places(query: str) -> tuple[list[Place], list[Place]]:
    """Départements, régions and centres a text designates: (whole-name matches, names
    that only begin with it). Offline, a few hundred rows at most."""
    exact: list[Place] = []
    partial: list[Place] = []
    wanted = normalise_place_name(query)
    if not wanted:
        return exact, partial

    def sort(name: str, place: Place) -> None:
        normalised = normalise_place_name(name)
        if normalised == wanted:
            exact.append(place)
        elif normalised.startswith(wanted) and len(wanted) >= 3:
            partial.append(place)

    points = departement_points()
    code = query.strip().upper()
    for departement in Departement.objects.order_by("code"):
        point = points.get(departement.code)
        if point is None:
            continue
        place = Place(
            label=_("%(name)s (département, %(code)s)")
            % {"name": departement.name, "code": departement.code},
            latitude=point[0],
            longitude=point[1],
            kind="departement",
            zoom=REGION_ZOOM + 2,
            approximate=True,
        )
        if _DEPARTEMENT_CODE.match(code) and departement.code == code.zfill(2):
            exact.append(place)
        else:
            sort(departement.name, place)
    for region in Region.objects.order_by("name"):
        if normalise_place_name(region.name).startswith(wanted):
            point = region_point(region.code)
            if point is not None:
                sort(
                    region.name,
                    Place(
                        label=_("%(name)s (région)") % {"name": region.name},
                        latitude=point[0],
                        longitude=point[1],
                        kind="region",
                        zoom=REGION_ZOOM,
                        approximate=True,
                    ),
                )
    for centre in Centre.objects.prefetch_related("departements").order_by("name"):
        names = [centre.name, centre.former_name] if centre.former_name else [centre.name]
        point = departements_point(d.code for d in centre.departements.all())
        if point is None:
            continue
        place = Place(
            label=_("%(name)s (centre de ressources, %(territory)s)")
            % {"name": centre.name, "territory": centre.territory_label},
            latitude=point[0],
            longitude=point[1],
            kind="centre",
            zoom=REGION_ZOOM + 1,
            approximate=True,
        )
        matches = [normalise_place_name(n) for n in names]
        if wanted in matches:
            exact.append(place)
        elif any(m.startswith(wanted) for m in matches) and len(wanted) >= 3:
            partial.append(place)
    return exact, partial


def homonyms(places: list[Place]) -> bool:
    """Several communes of the same name (the four Saint-Denis): the visitor must choose."""
    names = [normalise_place_name(p.label.split(" (")[0]) for p in places if p.kind == "commune"]
    return len(names) != len(set(names))


def find_place(*, text: str, geocode: bool = True) -> PlaceSearch:
    """Communes first (postal code, INSEE code, name), then the address geocoder."""
    query = " ".join((text or "").split())[:200]
    if not query:
        return PlaceSearch(
            query=query, message=_("Saisissez une commune, un code postal ou une adresse.")
        )
    communes = search_communes(text=query, limit=MAX_PLACES)
    exact, partial = territory_places(query) if geocode else ([], [])
    places = exact + (commune_points(communes) if communes else []) + partial
    if places:
        return PlaceSearch(query=query, places=places[:MAX_PLACES])
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
                "Aucune commune, aucun département, aucune région ni aucun centre ne "
                "correspond à « %(q)s », et la recherche d'adresses est injoignable pour le "
                "moment : vérifiez l'orthographe, cherchez une commune ou un code postal, ou "
                "réessayez plus tard."
            )
            % {"q": query},
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
                latitude=cast(float, result.latitude),  # located: both set
                longitude=cast(float, result.longitude),
                kind="address",
                zoom=ADDRESS_ZOOM,
                commune=result.citycode,
                approximate=result.status != GeocodeStatus.FOUND,
            )
        ],
    )


def distance_label(metres: float) -> str:
    if metres < 1_000:
        return _("à %(m)s m") % {"m": int(round(metres, -1))}
    km = f"{metres / 1000:.1f}" if metres < 10_000 else f"{metres / 1000:.0f}"
    return _("à %(km)s km") % {"km": km.replace(".", ",")}


def set_distances(initiatives, *, near) -> None:
    """Give each initiative of a page (with a point) its `distance_label` from `near`."""
    if near is None:
        return
    for initiative in initiatives:
        if initiative.latitude is not None and initiative.longitude is not None:
            metres = geodesic_distance_m(
                near.longitude, near.latitude, initiative.longitude, initiative.latitude
            )
            initiative.distance_label = distance_label(float(metres))
