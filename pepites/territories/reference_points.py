"""Reference points of territories, from official or stated data only (never from the
initiatives): a commune's point comes from its outline (loaded by fetch_reference_geodata),
else its city's for an arrondissement, else its département's reference point (the
prefecture, data/departement_centres.csv, good to about 5 km)."""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pepites.territories.commune_index import CommuneIndex
from pepites.territories.models import Commune, CommuneOutline, Departement
from pepites.territories.placement import geodesic_distance_m

DEPARTEMENT_POINTS_FILE = Path(__file__).resolve().parent / "data" / "departement_centres.csv"


@functools.cache
def departement_points() -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of each département's prefecture, by code."""
    with DEPARTEMENT_POINTS_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def mean_point(points: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    points = list(points)
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def departements_point(codes: Iterable[str]) -> tuple[float, float] | None:
    """The mean of the départements' reference points (a région, a centre's territory)."""
    known = departement_points()
    return mean_point(known[code] for code in codes if code in known)


def region_point(region_code: str) -> tuple[float, float] | None:
    codes = Departement.objects.filter(region_id=region_code).values_list("code", flat=True)
    return departements_point(codes)


def commune_reference_points(
    communes: list[Commune],
) -> dict[str, tuple[float, float, bool]]:
    """{code: (latitude, longitude, approximate)}: the commune's own point (from its
    outline), its city's for an arrondissement without one, else its département's
    (approximate). One query at most."""
    parents = {c.parent_id for c in communes if c.latitude is None and c.parent_id}
    # latitude__isnull=False: the points are set (an outline gives both coordinates).
    parent_points: dict[str, tuple[float, float]] = {
        code: cast(tuple[float, float], (lat, lon))
        for code, lat, lon in Commune.objects.filter(
            code__in=parents, latitude__isnull=False
        ).values_list("code", "latitude", "longitude")
    }
    by_departement = departement_points()
    found: dict[str, tuple[float, float, bool]] = {}
    for commune in communes:
        if commune.latitude is not None and commune.longitude is not None:
            found[commune.code] = (commune.latitude, commune.longitude, False)
        elif commune.parent_id in parent_points:
            found[commune.code] = (*parent_points[commune.parent_id], False)
        elif commune.departement_id in by_departement:
            found[commune.code] = (*by_departement[commune.departement_id], True)
    return found


# A point farther than this from its commune's reference point is flagged when the
# commune's outline is unknown (a département's point is rougher: a wider margin).
COMMUNE_POINT_MARGIN_M = 15_000
DEPARTEMENT_POINT_MARGIN_M = 60_000


@dataclass(frozen=True)
class PointCheck:
    outside: bool
    distance_m: float  # to the outline (0 inside), or to the reference point
    basis: str  # "outline", "reference" or "departement"


def _outline_text(commune: Commune) -> str | None:
    """The stored outline of the commune, or its city's (an arrondissement): one query, no
    index of every commune (that one is for the imports)."""
    codes = [code for code in (commune.code, commune.parent_id) if code]
    found = dict(CommuneOutline.objects.filter(pk__in=codes).values_list("pk", "outline"))
    return next((found[code] for code in codes if code in found), None)


def commune_outline(commune: Commune) -> dict | None:
    """The commune's outline (GeoJSON geometry), or its city's; None when not loaded."""
    text = _outline_text(commune)
    return json.loads(text) if text else None


def check_point_in_commune(*, commune: Commune, latitude: float, longitude: float) -> PointCheck:
    """Whether a point lies in (or near enough to) the commune chosen for it."""
    text = _outline_text(commune)
    if text is not None:
        distance = CommuneIndex([commune.code], [text]).distance_m(
            commune.code, longitude, latitude
        )
        return PointCheck(outside=bool(distance), distance_m=distance or 0.0, basis="outline")
    point = commune_reference_points([commune]).get(commune.code)
    if point is None:
        return PointCheck(outside=False, distance_m=0.0, basis="departement")
    lat, lon, approximate = point
    distance = float(geodesic_distance_m(longitude, latitude, lon, lat))
    margin = DEPARTEMENT_POINT_MARGIN_M if approximate else COMMUNE_POINT_MARGIN_M
    return PointCheck(
        outside=distance > margin,
        distance_m=distance,
        basis="departement" if approximate else "reference",
    )
