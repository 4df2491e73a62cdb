"""Small QPV outlines made for the tests (not real ones), and a reference distance.

Outlines are drawn in metres in the local projection (Lambert-93 in Île-de-France, UTM
overseas) around real places, then converted to WGS84 like the ANCT's GeoJSON edition.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, mapping

GEOD = Geod(ellps="WGS84")

# Anchors (x, y) in their projection: Saint-Denis (93), Montreuil (93), Saint-Denis de La
# Réunion (974), Les Abymes (971).
SAINT_DENIS_L93 = (652_000.0, 6_869_000.0)
MONTREUIL_L93 = (661_000.0, 6_862_000.0)
REUNION_UTM40S = (338_500.0, 7_690_500.0)
ABYMES_UTM20N = (657_500.0, 1_800_500.0)


def square(x: float, y: float, size: float) -> list[tuple[float, float]]:
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]


def to_wgs84(geometry, epsg: int):
    transformer = Transformer.from_crs(epsg, 4326, always_xy=True)
    return shapely.transform(
        geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def from_wgs84(longitude: float, latitude: float, epsg: int) -> tuple[float, float]:
    return Transformer.from_crs(4326, epsg, always_xy=True).transform(longitude, latitude)


def planar_samples() -> list[dict]:
    """The outlines in their projection, with their properties."""
    x, y = SAINT_DENIS_L93
    mx, my = MONTREUIL_L93
    rx, ry = REUNION_UTM40S
    ax, ay = ABYMES_UTM20N
    return [
        {
            # 600 m square with a 200 m hole in the middle (a park outside the QPV).
            "epsg": 2154,
            "geometry": Polygon(square(x, y, 600), [square(x + 200, y + 200, 200)]),
            "properties": {
                "code_qp": "QN09301M",
                "lib_qp": "Quartier du Puits",
                "insee_reg": "11",
                "lib_reg": "Île-de-France",
                "insee_dep": "93",
                "lib_dep": "Seine-Saint-Denis",
                "insee_com": "93066",
                "lib_com": "Saint-Denis",
                "siren_epci": "200057867",
            },
        },
        {
            # Two separate parts, one in each commune.
            "epsg": 2154,
            "geometry": MultiPolygon(
                [Polygon(square(x + 2_000, y, 300)), Polygon(square(mx, my, 400))]
            ),
            "properties": {
                "code_qp": "QN09302M",
                "lib_qp": "Quartier des Deux Rives",
                "insee_reg": "11",
                "lib_reg": "Île-de-France",
                "insee_dep": "93",
                "lib_dep": "Seine-Saint-Denis",
                "insee_com": "93066, 93048",
                "lib_com": "Saint-Denis, Montreuil",
                "siren_epci": "200057867",
            },
        },
        {
            # Shares its western edge with the eastern edge of QN09301M.
            "epsg": 2154,
            "geometry": Polygon(square(x + 600, y, 600)),
            "properties": {
                "code_qp": "QN09303M",
                "lib_qp": "Quartier de la Gare",
                "insee_reg": "11",
                "lib_reg": "Île-de-France",
                "insee_dep": "93",
                "lib_dep": "Seine-Saint-Denis",
                "insee_com": "93066; 93048",
                "lib_com": "Saint-Denis; Montreuil",
                "siren_epci": "200057867",
            },
        },
        {
            "epsg": 32740,
            "geometry": Polygon(square(rx, ry, 500)),
            "properties": {
                "code_qp": "QN97401M",
                "lib_qp": "Quartier du Chaudron (test)",
                "insee_reg": "04",
                "lib_reg": "La Réunion",
                "insee_dep": "974",
                "lib_dep": "La Réunion",
                "insee_com": "97411",
                "lib_com": "Saint-Denis",
                "siren_epci": "249740119",
            },
        },
        {
            "epsg": 32620,
            "geometry": Polygon(square(ax, ay, 400)),
            "properties": {
                "code_qp": "QN97101M",
                "lib_qp": "Quartier de Raizet (test)",
                "insee_reg": "01",
                "lib_reg": "Guadeloupe",
                "insee_dep": "971",
                "lib_dep": "Guadeloupe",
                "insee_com": "97101",
                "lib_com": "Les Abymes",
                "siren_epci": "200018653",
            },
        },
    ]


def wgs84_samples() -> list[dict]:
    return [
        {**sample, "geometry": to_wgs84(sample["geometry"], sample["epsg"])}
        for sample in planar_samples()
    ]


def feature_collection(samples: list[dict] | None = None) -> dict:
    samples = wgs84_samples() if samples is None else samples
    return {
        "type": "FeatureCollection",
        "name": "QP2024_test",
        "features": [
            {"type": "Feature", "properties": s["properties"], "geometry": mapping(s["geometry"])}
            for s in samples
        ],
    }


def write_geojson(path: Path, collection: dict | None = None) -> Path:
    path.write_text(json.dumps(collection or feature_collection()), encoding="utf-8")
    return path


def point_at(anchor: tuple[float, float], dx: float, dy: float, epsg: int) -> tuple[float, float]:
    """(longitude, latitude) of a point given in metres from an anchor of a projection."""
    lon_lat = to_wgs84(Point(anchor[0] + dx, anchor[1] + dy), epsg)
    return lon_lat.x, lon_lat.y


def reference_distance_m(longitude: float, latitude: float, geometry) -> float:
    """Geodesic distance from a point to an outline by brute force: every edge cut into
    pieces of about 20 cm, the nearest piece end measured with pyproj.Geod. Independent of
    the code under test (no projection, no spatial index)."""
    if geometry.covers(Point(longitude, latitude)):
        return 0.0
    polygons = getattr(geometry, "geoms", [geometry])
    best = float("inf")
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)
            for (lon1, lat1), (lon2, lat2) in itertools.pairwise(coords):
                length = GEOD.inv(lon1, lat1, lon2, lat2)[2]
                steps = max(2, int(length / 0.2) + 1)
                t = np.linspace(0.0, 1.0, steps)
                lons = lon1 + (lon2 - lon1) * t
                lats = lat1 + (lat2 - lat1) * t
                distances = GEOD.inv(
                    np.full(steps, longitude), np.full(steps, latitude), lons, lats
                )[2]
                best = min(best, float(distances.min()))
    return best
