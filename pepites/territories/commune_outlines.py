"""Reading the communes' generalised outlines: Etalab's "contours administratifs" (derived
from IGN's Admin Express COG carto), GeoJSON in WGS84, plain or gzipped.

Each feature has `code` (INSEE) and `nom`; outlines are simplified a little more (about
20 m) and rounded to about 1 m, enough to find a point's commune and draw it, for a
fraction of the memory.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from pepites.core.errors import ImportFileError
from pepites.core.validators import COMMUNE_CODE_RE

COMMUNE_OUTLINES_DATASET_NAME = "communes-contours"
COMMUNE_OUTLINES_SOURCE = "Etalab, contours administratifs (IGN Admin Express COG carto)"
COMMUNE_OUTLINES_LICENCE = "Licence Ouverte 2.0"
SIMPLIFY_DEGREES = 0.0002  # about 20 m
OUTLINE_DECIMALS = 5  # about 1 m
CODE_KEYS = ("code", "insee_com", "code_insee", "insee")


@dataclass(frozen=True)
class CommuneShape:
    code: str
    geometry: MultiPolygon  # WGS84, simplified and rounded


def _open(path: Path):
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def read_commune_outlines(path: Path) -> list[CommuneShape]:
    """The outlines of the file; raise ImportFileError on anything malformed."""
    path = Path(path)
    try:
        with _open(path) as handle:
            document = json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFileError(
            _("Fichier illisible (GeoJSON ou GeoJSON compressé attendu) : %(error)s")
            % {"error": exc},
            path=str(path),
        ) from exc
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise ImportFileError(_("Le fichier ne contient aucune commune."), path=str(path))
    shapes: list[CommuneShape] = []
    seen: set[str] = set()
    for index, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        code = next((str(properties[k]).upper() for k in CODE_KEYS if properties.get(k)), "")
        if not COMMUNE_CODE_RE.match(code) or code in seen:
            raise ImportFileError(
                _("Entité n° %(n)s : code INSEE « %(code)s » absent, mal formé ou en double.")
                % {"n": index, "code": code},
                path=str(path),
                field="code",
            )
        seen.add(code)
        shapes.append(
            CommuneShape(code=code, geometry=_geometry(path, index, code, feature.get("geometry")))
        )
    return shapes


def _geometry(path: Path, index: int, code: str, raw) -> MultiPolygon:
    try:
        geometry: BaseGeometry = shape(raw)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        geometry = None
    if (
        geometry is None
        or geometry.is_empty
        or geometry.geom_type
        not in {
            "Polygon",
            "MultiPolygon",
        }
    ):
        raise ImportFileError(
            _("Entité n° %(n)s (%(code)s) : contour absent ou qui n'est pas un polygone.")
            % {"n": index, "code": code},
            path=str(path),
            field="geometry",
        )
    coordinates = shapely.get_coordinates(geometry)
    if not np.isfinite(coordinates).all() or np.abs(coordinates).max(axis=0)[1] > 90:
        raise ImportFileError(
            _("Entité n° %(n)s (%(code)s) : coordonnées hors de WGS 84.")
            % {"n": index, "code": code},
            path=str(path),
            field="geometry",
        )
    simplified = shapely.simplify(geometry, SIMPLIFY_DEGREES, preserve_topology=True)
    rounded = shapely.set_precision(simplified, 10**-OUTLINE_DECIMALS)
    if not rounded.is_valid:
        rounded = shapely.make_valid(rounded)
    polygons = [g for g in getattr(rounded, "geoms", [rounded]) if isinstance(g, Polygon)]
    polygons = [p for p in polygons if p.area > 0] or list(getattr(geometry, "geoms", [geometry]))
    return MultiPolygon(polygons)


def reference_point(geometry: BaseGeometry) -> tuple[float, float]:
    """(longitude, latitude): the centroid when it lies inside the outline, else a point
    surely inside (a crescent-shaped or split commune)."""
    centroid = geometry.centroid
    point = centroid if geometry.contains(centroid) else geometry.representative_point()
    return round(point.x, 6), round(point.y, 6)
