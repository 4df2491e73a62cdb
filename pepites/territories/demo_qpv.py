"""Demonstration QPV outlines: a few synthetic neighbourhoods around the demonstration
initiatives, for an instance that could not fetch the ANCT's official list (offline).

Fictional shapes with names ending in "(démonstration)" and codes QD… that no official list
uses; stored as their own generation ("demo", `Qpv.is_demo`), never beside an official list,
and removed by the import of one (see services.import_qpv).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from pepites.territories.models import QpvGeneration
from pepites.territories.qpv_records import COORDINATE_DECIMALS, WGS84, QpvFeature, QpvFile

DEMO_QPV_FILE = Path(__file__).resolve().parent / "data" / "demo_qpv.json"
DEMO_QPV_SOURCE = "Pépites : contours fictifs de démonstration (aucune valeur officielle)"
DEMO_QPV_LICENCE = "Licence Ouverte 2.0"
METRES_PER_DEGREE = 111_320.0
# A star-shaped outline of irregular radius (fixed factors: the same shape every time).
SHAPE_FACTORS = (1.0, 0.86, 1.12, 0.93, 1.05, 0.82, 1.15, 0.9, 1.08, 0.95, 0.88)


def demo_outline(*, latitude: float, longitude: float, radius_m: float) -> MultiPolygon:
    """An irregular polygon of about `radius_m` around the point, in WGS84."""
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)
    ring = []
    for i, factor in enumerate(SHAPE_FACTORS):
        angle = 2 * math.pi * i / len(SHAPE_FACTORS)
        north = radius_m * factor * math.cos(angle)
        east = radius_m * factor * math.sin(angle)
        ring.append(
            (
                round(longitude + east / (METRES_PER_DEGREE * cos_lat), COORDINATE_DECIMALS),
                round(latitude + north / METRES_PER_DEGREE, COORDINATE_DECIMALS),
            )
        )
    return MultiPolygon([orient(Polygon(ring), sign=1.0)])


def demo_qpv_file(*, path: Path = DEMO_QPV_FILE) -> QpvFile:
    """The demonstration outlines as the records of a QPV file, ready for import_qpv."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    features = []
    for position, entry in enumerate(entries, start=1):
        north, east = entry["offset_m"]
        latitude = entry["latitude"] + north / METRES_PER_DEGREE
        cos_lat = max(math.cos(math.radians(entry["latitude"])), 0.01)
        longitude = entry["longitude"] + east / (METRES_PER_DEGREE * cos_lat)
        features.append(
            QpvFeature(
                code=entry["code"],
                name=entry["name"],
                region_code="",
                departement_code=entry["departement"],
                commune_codes=tuple(entry["communes"]),
                communes_label=entry["communes_label"],
                epci_siren="",
                geometry=demo_outline(
                    latitude=latitude, longitude=longitude, radius_m=entry["radius_m"]
                ),
                position=position,
            )
        )
    return QpvFile(
        path=path.name,
        format="demonstration",
        source_crs=WGS84.to_string(),
        generation=QpvGeneration.DEMO.value,
        features=features,
    )
