"""Small commune outlines made for the tests, in the format of Etalab's "contours
administratifs" (GeoJSON FeatureCollection; properties code, nom, departement, region,
epci), around real places: squares, not the real shapes."""

from __future__ import annotations

import gzip
import json

from shapely.geometry import box, mapping

# code, name, département, région, (longitude, latitude) of the centre, half side (degrees)
SAMPLE_OUTLINES = [
    ("93066", "Saint-Denis", "93", "11", (2.357, 48.929), 0.025),
    ("93048", "Montreuil", "93", "11", (2.443, 48.862), 0.02),
    ("75056", "Paris", "75", "11", (2.347, 48.859), 0.04),
    ("69123", "Lyon", "69", "84", (4.835, 45.758), 0.04),
    ("97411", "Saint-Denis", "974", "04", (55.45, -20.93), 0.05),
    ("99999", "Commune d'un autre millésime", "99", "99", (1.0, 47.0), 0.01),
]


def commune_collection(shift: float = 0.0) -> dict:
    features = []
    for code, name, departement, region, (lon, lat), half in SAMPLE_OUTLINES:
        if code == "93048":
            lon += shift  # a new vintage moves one outline
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(box(lon - half, lat - half, lon + half, lat + half)),
                "properties": {
                    "code": code,
                    "nom": name,
                    "departement": departement,
                    "region": region,
                    "epci": "200054781",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def commune_outlines_gz(shift: float = 0.0) -> bytes:
    return gzip.compress(json.dumps(commune_collection(shift)).encode(), mtime=0)
