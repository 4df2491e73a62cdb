"""Which QPV of the current list contain or lie near a point: the spatial index of the
stored outlines (`placement.py` computes in memory), read from the database. Geography
only; the initiatives placed with it are initiatives' (initiatives/placement/)."""

from __future__ import annotations

import math

import shapely
from django.conf import settings

from pepites.territories.models import Qpv
from pepites.territories.placement import Placement, QpvIndex, QpvOutline
from pepites.territories.selectors import current_qpv_generation


def near_distance_m() -> float:
    return float(settings.QPV_NEAR_DISTANCE_M)


def current_generation() -> str | None:
    """Initiatives are placed against the most recent list stored."""
    return current_qpv_generation()


def _outlines(queryset) -> list[QpvOutline]:
    return [
        QpvOutline(code=code, departement_code=dep, geometry=shapely.from_geojson(outline))
        for code, dep, outline in queryset.values_list("code", "departement_id", "outline")
    ]


def build_qpv_index(*, generation: str | None = None) -> QpvIndex:
    generation = generation or current_generation()
    return QpvIndex(
        _outlines(Qpv.objects.filter(generation=generation).order_by("code")),
        near_distance_m=near_distance_m(),
    )


# Successive search radii (metres) around one point; None: every outline.
SINGLE_SEARCH_RADII_M = (None, 3_000, 30_000, 300_000)


def _candidate_outlines(*, longitude: float, latitude: float, radius_m: float, generation: str):
    """QPV whose bounding box comes within `radius_m` of the point (a superset)."""
    dlat = radius_m / 110_000 * 1.05
    dlon = radius_m / (111_320 * max(math.cos(math.radians(latitude)), 0.01)) * 1.05
    return _outlines(
        Qpv.objects.filter(
            generation=generation,
            min_longitude__lte=longitude + dlon,
            max_longitude__gte=longitude - dlon,
            min_latitude__lte=latitude + dlat,
            max_latitude__gte=latitude - dlat,
        ).order_by("code")
    )


def placement_for_point(*, longitude: float, latitude: float) -> Placement | None:
    """Place one point reading only the outlines around it (no index of the whole list).

    The search widens until the nearest QPV found lies within the searched radius: a QPV
    outside the radius is farther than that, so the nearest found is the nearest of all.
    """
    generation = current_generation()
    if generation is None:
        return None
    threshold = near_distance_m()
    for step in SINGLE_SEARCH_RADII_M:
        radius = max(step or threshold, threshold)
        outlines = _candidate_outlines(
            longitude=longitude, latitude=latitude, radius_m=radius, generation=generation
        )
        if outlines:
            placement = QpvIndex(outlines, near_distance_m=threshold).place(longitude, latitude)
            if placement is not None and placement.nearest_distance_m <= radius:
                return placement
    return build_qpv_index(generation=generation).place(longitude, latitude)
