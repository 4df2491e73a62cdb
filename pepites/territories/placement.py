"""Placing points against the QPV outlines, in memory: containment, nearest QPV, distance.

No database here: `QpvIndex` receives WGS84 outlines and answers for arrays of points.
Outlines are projected once into the metric projection of their zone (Lambert-93 for
metropolitan France and Corsica, the official UTM projections overseas) and held in one
shapely STRtree per projection, so that 100,000 points are placed in vectorised calls.
Candidates are found in the plane; each distance reported is then the geodesic distance
(pyproj.Geod, WGS84 ellipsoid) between the point and the nearest point of the outline, so
the small scale error of a projection does not reach the figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="WGS84")
METROPOLITAN_EPSG = 2154  # RGF93 v1 / Lambert-93, Corsica included
OVERSEAS_EPSG = {
    "971": 5490,  # Guadeloupe: RGAF09 / UTM 20N
    "972": 5490,  # Martinique: RGAF09 / UTM 20N
    "973": 2972,  # Guyane: RGFG95 / UTM 22N
    "974": 2975,  # La Réunion: RGR92 / UTM 40S
    "976": 4471,  # Mayotte: RGM04 / UTM 38S
}
# Points farther than this from every outline of a projection's zone are not projected
# into it (a projection is only accurate over its own territory).
ZONE_MARGIN_DEGREES = 3.0
# Candidates are searched a little beyond the threshold in the plane, then kept or not on
# their geodesic distance: Lambert-93's scale error stays well under 0.5 %.
PLANAR_SEARCH_FACTOR = 1.01
PLANAR_SEARCH_EXTRA_M = 5.0
# Outlines are stored to 1e-7 degree (about 1 cm): a point that close is on the border,
# and a point on the border is in the QPV.
BORDER_TOLERANCE_M = 0.01

RELATION_IN = "dans"
RELATION_NEAR = "proximite"
RELATION_OUTSIDE = "hors"


def projection_for(departement_code: str, longitude: float, latitude: float) -> int:
    """EPSG code of the metric projection used for a QPV of this département."""
    if departement_code in OVERSEAS_EPSG:
        return OVERSEAS_EPSG[departement_code]
    if len(departement_code) == 2:
        return METROPOLITAN_EPSG
    return utm_epsg(longitude, latitude)


def utm_epsg(longitude: float, latitude: float) -> int:
    zone = min(60, max(1, int((longitude + 180) // 6) + 1))
    return (32600 if latitude >= 0 else 32700) + zone


def geodesic_distance_m(lon1, lat1, lon2, lat2):
    """Distance in metres on the WGS84 ellipsoid (scalars or arrays)."""
    _az1, _az2, distance = GEOD.inv(lon1, lat1, lon2, lat2)
    return distance


@dataclass(frozen=True)
class QpvOutline:
    code: str
    departement_code: str
    geometry: BaseGeometry  # WGS84 (longitude, latitude)


@dataclass(frozen=True)
class Placement:
    relation: str  # RELATION_IN, RELATION_NEAR or RELATION_OUTSIDE
    containing: tuple[str, ...]  # QPV whose outline covers the point (border included)
    near: tuple[tuple[str, float], ...]  # other QPV within the threshold, nearest first
    nearest_code: str
    nearest_distance_m: float  # 0 inside a QPV


class _Zone:
    """The outlines sharing one metric projection, projected and indexed."""

    def __init__(self, epsg: int, codes: list[str], geometries: list[BaseGeometry]) -> None:
        crs = CRS.from_epsg(epsg)
        self.epsg = epsg
        self.codes = np.array(codes, dtype=object)
        self.to_plane = Transformer.from_crs(4326, crs, always_xy=True)
        self.to_wgs84 = Transformer.from_crs(crs, 4326, always_xy=True)
        wgs84 = np.array(geometries, dtype=object)
        lon_min, lat_min, lon_max, lat_max = shapely.total_bounds(wgs84)
        self.extent = (
            lon_min - ZONE_MARGIN_DEGREES,
            lat_min - ZONE_MARGIN_DEGREES,
            lon_max + ZONE_MARGIN_DEGREES,
            lat_max + ZONE_MARGIN_DEGREES,
        )
        self.geometries = shapely.transform(wgs84, self._project)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)
        self.envelope_tree = shapely.STRtree(shapely.envelope(self.geometries))

    def _project(self, xy: np.ndarray) -> np.ndarray:
        x, y = self.to_plane.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    def covers(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        west, south, east, north = self.extent
        return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


class QpvIndex:
    """An in-memory spatial index of QPV outlines, answering for one point or many."""

    def __init__(self, outlines: Iterable[QpvOutline], *, near_distance_m: float = 300.0):
        self.near_distance_m = float(near_distance_m)
        by_epsg: dict[int, tuple[list[str], list[BaseGeometry]]] = {}
        all_codes: list[str] = []
        all_geometries: list[BaseGeometry] = []
        for outline in outlines:
            point = outline.geometry.representative_point()
            epsg = projection_for(outline.departement_code, point.x, point.y)
            codes, geometries = by_epsg.setdefault(epsg, ([], []))
            codes.append(outline.code)
            geometries.append(outline.geometry)
            all_codes.append(outline.code)
            all_geometries.append(outline.geometry)
        self.zones = [_Zone(epsg, c, g) for epsg, (c, g) in sorted(by_epsg.items())]
        # For points far from every zone: nearest in degrees, then a geodesic distance.
        self._codes = np.array(all_codes, dtype=object)
        self._geometries = np.array(all_geometries, dtype=object)
        self._tree = shapely.STRtree(self._geometries) if all_geometries else None

    def __len__(self) -> int:
        return len(self._codes)

    def place(self, longitude: float, latitude: float) -> Placement | None:
        return self.place_many([longitude], [latitude])[0]

    def place_many(
        self, longitudes: Sequence[float | None], latitudes: Sequence[float | None]
    ) -> list[Placement | None]:
        """One Placement per point, None for a point without coordinates or no outline."""
        count = len(longitudes)
        lon = np.array([np.nan if v is None else v for v in longitudes], dtype=float)
        lat = np.array([np.nan if v is None else v for v in latitudes], dtype=float)
        if not len(self) or not count:
            return [None] * count
        valid = np.isfinite(lon) & np.isfinite(lat)
        # Per point: {code: geodesic distance in metres}, 0 for the QPV that cover it.
        candidates: list[dict[str, float]] = [{} for _ in range(count)]
        assigned = np.zeros(count, dtype=bool)
        for zone in self.zones:
            mask = valid & zone.covers(lon, lat)
            if mask.any():
                self._place_in_zone(zone, np.flatnonzero(mask), lon, lat, candidates)
                assigned |= mask
        far = np.flatnonzero(valid & ~assigned)
        if far.size:
            self._place_far(far, lon, lat, candidates)
        return [
            self._placement(found) if valid[i] and found else None
            for i, found in enumerate(candidates)
        ]

    def _place_in_zone(
        self,
        zone: _Zone,
        indexes: np.ndarray,
        lon: np.ndarray,
        lat: np.ndarray,
        candidates: list[dict[str, float]],
    ) -> None:
        x, y = zone.to_plane.transform(lon[indexes], lat[indexes])
        points = shapely.points(x, y)
        inside_pts, inside_geoms = zone.tree.query(points, predicate="covered_by")
        radius = self.near_distance_m * PLANAR_SEARCH_FACTOR + PLANAR_SEARCH_EXTRA_M
        near_pts, near_geoms = zone.tree.query(points, predicate="dwithin", distance=radius)
        # Points with a QPV within the radius have their nearest among those; the others
        # search outwards, which prunes the tree far better than one unbounded search.
        lonely = np.setdiff1d(np.arange(len(points)), np.concatenate([inside_pts, near_pts]))
        nearest_pts, nearest_geoms = self._nearest(zone, points, lonely)
        inside = set(zip(inside_pts.tolist(), inside_geoms.tolist(), strict=True))
        pairs = {
            pair
            for pair in zip(
                np.concatenate([near_pts, nearest_pts]).tolist(),
                np.concatenate([near_geoms, nearest_geoms]).tolist(),
                strict=True,
            )
            if pair not in inside
        }
        for p, g in inside:
            candidates[indexes[p]][zone.codes[g]] = 0.0
        if not pairs:
            return
        pts, geoms = (np.array(v, dtype=int) for v in zip(*sorted(pairs), strict=True))
        # The nearest point of the outline, found in the plane, brought back to WGS84.
        lines = shapely.shortest_line(points[pts], zone.geometries[geoms])
        ends = shapely.get_coordinates(lines)[1::2]
        end_lon, end_lat = zone.to_wgs84.transform(ends[:, 0], ends[:, 1])
        point_idx = indexes[pts]
        distances = geodesic_distance_m(lon[point_idx], lat[point_idx], end_lon, end_lat)
        for i, g, d in zip(point_idx.tolist(), geoms.tolist(), distances.tolist(), strict=True):
            code = zone.codes[g]
            found = candidates[i]
            if code not in found or d < found[code]:
                found[code] = d

    @staticmethod
    def _nearest(zone: _Zone, points: np.ndarray, wanted: np.ndarray):
        """Exact planar nearest outline of each wanted point, bounded by envelopes.

        The outline of the nearest envelope gives an upper bound of the distance; only the
        outlines whose envelope lies within that bound can be nearer, and those few are
        measured exactly. Much cheaper than an unbounded nearest search over outlines of
        hundreds of vertices.
        """
        if not wanted.size:
            return np.array([], dtype=int), np.array([], dtype=int)
        subset = points[wanted]
        pts, geoms = zone.envelope_tree.query_nearest(subset, all_matches=False)
        upper = np.full(len(subset), np.inf)
        upper[pts] = shapely.distance(subset[pts], zone.geometries[geoms])
        pts, geoms = zone.envelope_tree.query(
            subset, predicate="dwithin", distance=upper * (1 + 1e-9) + 1e-6
        )
        distances = shapely.distance(subset[pts], zone.geometries[geoms])
        order = np.lexsort((geoms, distances, pts))  # by point, nearest first
        pts, geoms = pts[order], geoms[order]
        first = np.ones(len(pts), dtype=bool)
        first[1:] = pts[1:] != pts[:-1]
        return wanted[pts[first]], geoms[first]

    def _place_far(
        self,
        indexes: np.ndarray,
        lon: np.ndarray,
        lat: np.ndarray,
        candidates: list[dict[str, float]],
    ) -> None:
        assert self._tree is not None
        points = shapely.points(lon[indexes], lat[indexes])
        pts, geoms = self._tree.query_nearest(points, all_matches=False)
        lines = shapely.shortest_line(points[pts], self._geometries[geoms])
        ends = shapely.get_coordinates(lines)[1::2]
        point_idx = indexes[pts]
        distances = geodesic_distance_m(lon[point_idx], lat[point_idx], ends[:, 0], ends[:, 1])
        for i, g, d in zip(point_idx.tolist(), geoms.tolist(), distances.tolist(), strict=True):
            candidates[i][self._codes[g]] = d

    def _placement(self, found: dict[str, float]) -> Placement:
        found = {code: 0.0 if d <= BORDER_TOLERANCE_M else d for code, d in found.items()}
        ranked = sorted(found.items(), key=lambda item: (item[1], item[0]))
        containing = tuple(code for code, d in ranked if d == 0.0)
        near = tuple(
            (code, d) for code, d in ranked if 0.0 < d <= self.near_distance_m and math.isfinite(d)
        )
        nearest_code, nearest_distance = ranked[0]
        if containing:
            relation = RELATION_IN
        elif near:
            relation = RELATION_NEAR
        else:
            relation = RELATION_OUTSIDE
        return Placement(
            relation=relation,
            containing=containing,
            near=near,
            nearest_code=nearest_code,
            nearest_distance_m=nearest_distance,
        )
