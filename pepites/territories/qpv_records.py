"""The records read from a QPV file, and the checks every format shares: properties,
codes, geometry (reprojected to WGS84, rounded to about 1 cm, repaired if invalid)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from pepites.core.errors import ImportFileError
from pepites.core.validators import COMMUNE_CODE_RE, DEPARTEMENT_CODE_RE, REGION_CODE_RE

QPV_DATASET_NAME = "qpv"
QPV_SOURCE = "ANCT, quartiers prioritaires de la politique de la ville (data.gouv.fr)"
QPV_LICENCE = "Licence Ouverte 2.0 (ANCT)"

QPV_CODE_RE = re.compile(r"^Q[NP][0-9A-Z]{6}$")
SIREN_RE = re.compile(r"^\d{9}$")
# Several communes in one field: "93066, 93048" or "93066; 93048".
LIST_SEPARATOR_RE = re.compile(r"\s*[,;]\s*")
GENERATIONS = {"QP": "2015", "QN": "2024"}
WGS84 = CRS.from_epsg(4326)
# About a centimetre: enough for outlines drawn at 1:5,000, and stable between imports.
COORDINATE_DECIMALS = 7

# The file's property names, and the older names some editions use.
PROPERTY_ALIASES = {
    "code_qp": ("code_qp", "code_qpv", "cod_qp"),
    "lib_qp": ("lib_qp", "nom_qp", "nom_qpv", "lib_qpv"),
    "insee_reg": ("insee_reg", "code_reg", "reg"),
    "insee_dep": ("insee_dep", "code_dep", "dep"),
    "insee_com": ("insee_com", "code_insee", "commune_qp", "insee_comm"),
    "lib_com": ("lib_com", "nom_com", "communes"),
    "siren_epci": ("siren_epci", "epci", "siren"),
}
REQUIRED_PROPERTIES = ("code_qp", "lib_qp", "insee_dep", "insee_com")


@dataclass(frozen=True)
class QpvFeature:
    code: str
    name: str
    region_code: str  # "" when the file does not give it
    departement_code: str
    commune_codes: tuple[str, ...]
    communes_label: str
    epci_siren: str
    geometry: MultiPolygon  # WGS84, longitude first
    position: int  # 1-based rank of the feature in the file, for messages


@dataclass
class QpvFile:
    path: str
    format: str  # "geojson", "shapefile" or "geopackage"
    source_crs: str  # e.g. "EPSG:2154"
    generation: str  # "2015" or "2024"
    features: list[QpvFeature]
    repaired: int = 0  # outlines with invalid rings made valid


# --- common: properties, geometry checks, reprojection ----------------------------------


def build_qpv_file(
    path: Path, file_format: str, crs: CRS, rows: Iterable[tuple[dict, BaseGeometry | None]]
) -> QpvFile:
    transformer = None if crs.equals(WGS84, ignore_axis_order=True) else _to_wgs84(crs)
    features: list[QpvFeature] = []
    seen: dict[str, int] = {}
    repaired = 0
    for index, (properties, geometry) in enumerate(rows, start=1):
        values = _properties(path, index, properties)
        code = values["code_qp"]
        if code in seen:
            raise ImportFileError(
                _("Entité n° %(n)s : le code %(code)s figure déjà à l'entité n° %(first)s.")
                % {"n": index, "code": code, "first": seen[code]},
                path=str(path),
                field="code_qp",
            )
        seen[code] = index
        multipolygon, was_repaired = _geometry(path, index, code, geometry, transformer)
        repaired += was_repaired
        features.append(
            QpvFeature(
                code=code,
                name=values["lib_qp"],
                region_code=values["insee_reg"],
                departement_code=values["insee_dep"],
                commune_codes=values["insee_com"],
                communes_label=values["lib_com"],
                epci_siren=values["siren_epci"],
                geometry=multipolygon,
                position=index,
            )
        )
    if not features:
        raise ImportFileError(_("Le fichier ne contient aucun QPV."), path=str(path))
    prefixes = {f.code[:2] for f in features}
    if len(prefixes) > 1:
        raise ImportFileError(
            _(
                "Le fichier mélange des codes de la liste 2015 (QP…) et de la liste 2024 (QN…) : "
                "importez chaque liste séparément."
            ),
            path=str(path),
            field="code_qp",
        )
    return QpvFile(
        path=str(path),
        format=file_format,
        source_crs=crs.to_string(),
        generation=GENERATIONS[prefixes.pop()],
        features=features,
        repaired=repaired,
    )


def _to_wgs84(crs: CRS) -> Transformer:
    return Transformer.from_crs(crs, WGS84, always_xy=True)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code read as a number by a spreadsheet
    return str(value).strip()


def _properties(path: Path, index: int, properties: dict) -> dict[str, Any]:
    lowered = {str(k).lower(): v for k, v in properties.items()}
    values: dict[str, Any] = {}
    for key, aliases in PROPERTY_ALIASES.items():
        values[key] = next((_text(lowered[a]) for a in aliases if a in lowered), "")
    for key in REQUIRED_PROPERTIES:
        if not values[key]:
            raise ImportFileError(
                _("Entité n° %(n)s : propriété « %(key)s » manquante ou vide.")
                % {"n": index, "key": key},
                path=str(path),
                field=key,
            )

    def invalid(key: str, expected: str) -> ImportFileError:
        return ImportFileError(
            _("Entité n° %(n)s : « %(key)s » vaut « %(value)s » (attendu : %(expected)s).")
            % {"n": index, "key": key, "value": values[key], "expected": expected},
            path=str(path),
            field=key,
        )

    values["code_qp"] = values["code_qp"].upper()
    if not QPV_CODE_RE.match(values["code_qp"]):
        raise invalid("code_qp", _("un code comme QN09301M"))
    departement = values["insee_dep"].upper()
    if departement.isdigit() and len(departement) == 1:
        departement = f"0{departement}"
    values["insee_dep"] = departement
    if not DEPARTEMENT_CODE_RE.match(departement):
        raise invalid("insee_dep", _("un code de département comme 93, 2A ou 971"))
    if values["insee_reg"] and not REGION_CODE_RE.match(values["insee_reg"]):
        raise invalid("insee_reg", _("un code de région comme 11"))
    communes = tuple(
        dict.fromkeys(c.upper() for c in LIST_SEPARATOR_RE.split(values["insee_com"]) if c)
    )
    if not communes or not all(COMMUNE_CODE_RE.match(c) for c in communes):
        raise invalid("insee_com", _("des codes INSEE séparés par « , » ou « ; »"))
    values["insee_com"] = communes
    if values["siren_epci"]:
        sirens = [s for s in LIST_SEPARATOR_RE.split(values["siren_epci"]) if s]
        if not all(SIREN_RE.match(s) for s in sirens):
            raise invalid("siren_epci", _("un numéro SIREN de 9 chiffres"))
        values["siren_epci"] = sirens[0]  # a QPV of two EPCI is exceptional: keep the first
    values["lib_qp"] = values["lib_qp"][:200]
    values["lib_com"] = values["lib_com"][:500]
    return values


def _geometry(
    path: Path,
    index: int,
    code: str,
    geometry: BaseGeometry | None,
    transformer: Transformer | None,
) -> tuple[MultiPolygon, bool]:
    def error(message: str) -> ImportFileError:
        return ImportFileError(
            _("Entité n° %(n)s (%(code)s) : %(message)s")
            % {"n": index, "code": code, "message": message},
            path=str(path),
            field="geometry",
        )

    if geometry is None or geometry.is_empty:
        raise error(_("contour absent ou vide."))
    if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        raise error(
            _("un contour doit être un Polygon ou un MultiPolygon, pas un %(type)s.")
            % {"type": geometry.geom_type}
        )
    geometry = shapely.force_2d(geometry)
    # Reprojected if need be, and rounded to about 1 cm: the stored text is then stable.
    geometry = shapely.transform(geometry, lambda xy: _to_stored(transformer, xy))
    coordinates = shapely.get_coordinates(geometry)
    if not np.isfinite(coordinates).all():
        raise error(_("coordonnées impossibles à convertir en WGS 84."))
    lon_min, lat_min = coordinates.min(axis=0)
    lon_max, lat_max = coordinates.max(axis=0)
    if lon_min < -180 or lon_max > 180 or lat_min < -90 or lat_max > 90:
        raise error(
            _(
                "coordonnées hors des limites de la longitude et de la latitude : le fichier "
                "est sans doute dans une projection (Lambert-93…) sans l'indiquer."
            )
        )
    repaired = not geometry.is_valid
    if repaired:
        geometry = shapely.make_valid(geometry)
        geometry = shapely.transform(geometry, lambda xy: _to_stored(None, xy))
        if not geometry.is_valid:  # rounding the repaired outline broke it again
            geometry = shapely.make_valid(shapely.set_precision(geometry, 10**-COORDINATE_DECIMALS))
    polygons = _polygons(geometry)
    if not polygons:
        raise error(_("contour dégénéré (surface nulle)."))
    # Exterior rings counter-clockwise, holes clockwise (RFC 7946): areas then subtract.
    return MultiPolygon([orient(polygon, sign=1.0) for polygon in polygons]), repaired


def _to_stored(transformer: Transformer | None, xy: np.ndarray) -> np.ndarray:
    if transformer is not None:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        xy = np.column_stack([x, y])
    return np.round(xy, COORDINATE_DECIMALS)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.is_empty and geometry.area > 0 else []
    parts = getattr(geometry, "geoms", ())
    return [p for part in parts for p in _polygons(part)]
