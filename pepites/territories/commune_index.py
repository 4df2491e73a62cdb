"""A point's commune, offline: the communes' outlines in a shapely STRtree.

Built on first use and kept by the process until the outlines change (their reference-
dataset row tells); about 35,000 generalised outlines. `CommuneIndex` itself needs no
database (the benchmark measures it alone). Points within a few hundred metres
of an outline but in none (a coast, a gap left by the generalisation) go to the nearest.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import shapely

from pepites.territories.placement import geodesic_distance_m

# A point outside every outline is given the nearest commune within this (degrees, ~500 m).
NEAREST_MAX_DEGREES = 0.005


class CommuneIndex:
    def __init__(self, codes: Sequence[str], outlines: Sequence[str]) -> None:
        self.codes = np.array(codes, dtype=object)
        self.geometries = shapely.from_geojson(np.array(outlines, dtype=object))
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)
        self.by_code = {code: i for i, code in enumerate(codes)}

    def __len__(self) -> int:
        return len(self.codes)

    def locate_many(self, longitudes: Sequence[float], latitudes: Sequence[float]) -> list[str]:
        """The INSEE code of each point's commune ("" when none is found)."""
        found = np.full(len(longitudes), "", dtype=object)
        if not len(self) or not len(longitudes):
            return found.tolist()
        points = shapely.points(np.asarray(longitudes, float), np.asarray(latitudes, float))
        pts, geoms = self.tree.query(points, predicate="covered_by")
        # A point on a shared border: the first outline found (stable order) wins.
        order = np.lexsort((geoms, pts))
        pts, geoms = pts[order], geoms[order]
        first = np.ones(len(pts), dtype=bool)
        first[1:] = pts[1:] != pts[:-1]
        found[pts[first]] = self.codes[geoms[first]]
        missing = np.flatnonzero(found == "")
        if missing.size:
            near_pts, near_geoms = self.tree.query_nearest(
                points[missing], max_distance=NEAREST_MAX_DEGREES, all_matches=False
            )
            found[missing[near_pts]] = self.codes[near_geoms]
        return found.tolist()

    def contains(self, code: str, longitude: float, latitude: float) -> bool | None:
        """Whether the point lies in the commune's outline; None when it has none."""
        index = self.by_code.get(code)
        if index is None:
            return None
        return bool(self.geometries[index].covers(shapely.Point(longitude, latitude)))

    def distance_m(self, code: str, longitude: float, latitude: float) -> float | None:
        """Metres from the point to the commune's outline (0 inside); None without outline."""
        index = self.by_code.get(code)
        if index is None:
            return None
        geometry = self.geometries[index]
        point = shapely.Point(longitude, latitude)
        if geometry.covers(point):
            return 0.0
        nearest = shapely.get_coordinates(shapely.shortest_line(point, geometry))[1]
        return float(geodesic_distance_m(longitude, latitude, nearest[0], nearest[1]))


_lock = threading.Lock()
_cache: dict[str, object] = {"signature": None, "index": None}


def _signature():
    from pepites.core.models import ReferenceDataset
    from pepites.territories.commune_outlines import COMMUNE_OUTLINES_DATASET_NAME

    return (
        ReferenceDataset.objects.filter(name=COMMUNE_OUTLINES_DATASET_NAME)
        .values_list("loaded_at", flat=True)
        .first()
    )


def commune_index() -> CommuneIndex | None:
    """The index of the outlines stored, or None when none is loaded."""
    signature = _signature()
    if signature is None:
        return None
    with _lock:
        if _cache["signature"] != signature:
            from pepites.territories.models import CommuneOutline

            rows = list(CommuneOutline.objects.order_by("pk").values_list("pk", "outline"))
            _cache["index"] = CommuneIndex([r[0] for r in rows], [r[1] for r in rows])
            _cache["signature"] = signature
        return _cache["index"]  # type: ignore[return-value]


def communes_for_points(points: Sequence[tuple[float, float]]) -> list[str]:
    """The INSEE code of the commune of each (longitude, latitude), "" when unknown (no
    outlines loaded, or a point far from every commune)."""
    index = commune_index()
    if index is None or not points:
        return [""] * len(points)
    return index.locate_many([p[0] for p in points], [p[1] for p in points])
