"""Reading the ANCT's QPV outlines: GeoJSON (WGS84), shapefile or GeoPackage.

Reading only, into plain dataclasses with WGS84 geometries; writing is in services. No GDAL
from the operating system: shapefiles are read with pyshp, GeoPackages (SQLite files) with
the standard library and shapely's WKB reader, and projections are done by pyproj.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import struct
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

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


# --- entry point ----------------------------------------------------------------------


def read_qpv_file(path: Path, *, source_crs: str | None = None) -> QpvFile:
    """Read a QPV file by its extension; raise ImportFileError on anything unexpected.

    `source_crs` (e.g. "EPSG:2154") is only needed for a shapefile without its .prj.
    """
    path = Path(path)
    if not path.exists():
        raise ImportFileError(_("Fichier introuvable."), path=str(path))
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_zip(path, source_crs=source_crs)
    if suffix in {".geojson", ".json"}:
        return _read_geojson(path)
    if suffix == ".shp":
        return _read_shapefile(path, source_crs=source_crs)
    if suffix == ".gpkg":
        return _read_geopackage(path)
    raise ImportFileError(
        _(
            "Format non reconnu (« %(suffix)s ») : attendu un fichier .geojson, .shp, .gpkg "
            "ou une archive .zip qui en contient un."
        )
        % {"suffix": path.suffix or _("sans extension")},
        path=str(path),
    )


def _read_zip(path: Path, *, source_crs: str | None) -> QpvFile:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("Archive .zip illisible."), path=str(path)) from exc
    with archive, tempfile.TemporaryDirectory(prefix="pepites-qpv-") as folder:
        names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
        candidates = [
            n for n in names if Path(n).suffix.lower() in {".shp", ".gpkg", ".geojson", ".json"}
        ]
        if len(candidates) != 1:
            raise ImportFileError(
                _(
                    "L'archive doit contenir exactement un fichier .shp, .gpkg ou .geojson "
                    "(trouvé : %(found)s)."
                )
                % {"found": ", ".join(candidates) or _("aucun")},
                path=str(path),
            )
        for name in names:
            target = Path(folder, name).resolve()
            if Path(folder).resolve() not in target.parents:  # "../" in a member name
                raise ImportFileError(_("Chemin interdit dans l'archive : %s") % name)
        archive.extractall(folder)
        inner = read_qpv_file(Path(folder, candidates[0]), source_crs=source_crs)
        inner.path = f"{path}!{candidates[0]}"
        return inner


# --- GeoJSON ---------------------------------------------------------------------------


def _read_geojson(path: Path) -> QpvFile:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("Le fichier n'est pas en UTF-8."), path=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("JSON invalide : %(msg)s") % {"msg": exc.msg},
            path=str(path),
            line=exc.lineno,
            column=exc.colno,
        ) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFileError(
            _("Le fichier doit être une FeatureCollection GeoJSON."), path=str(path)
        )
    features = data.get("features")
    if not isinstance(features, list):
        raise ImportFileError(_("« features » doit être une liste."), path=str(path))
    crs = _geojson_crs(path, data.get("crs"))

    def rows() -> Iterator[tuple[dict, BaseGeometry | None]]:
        for index, feature in enumerate(features, start=1):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise ImportFileError(
                    _("Entité n° %(n)s : ce n'est pas une Feature GeoJSON.") % {"n": index},
                    path=str(path),
                )
            properties = feature.get("properties")
            if not isinstance(properties, dict):
                raise ImportFileError(
                    _("Entité n° %(n)s : « properties » manquant.") % {"n": index},
                    path=str(path),
                )
            raw = feature.get("geometry")
            if raw is None:
                yield properties, None
                continue
            try:
                geometry = shape(raw)
            except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
                raise ImportFileError(
                    _("Entité n° %(n)s : géométrie illisible (%(error)s).")
                    % {"n": index, "error": exc},
                    path=str(path),
                    field="geometry",
                ) from exc
            yield properties, geometry

    return _build(path, "geojson", crs, rows())


def _geojson_crs(path: Path, crs_member: Any) -> CRS:
    """RFC 7946 GeoJSON is WGS84; older files may name another CRS in a "crs" member."""
    if crs_member is None:
        return WGS84
    name = crs_member.get("properties", {}).get("name") if isinstance(crs_member, dict) else None
    if not isinstance(name, str):
        raise ImportFileError(_("Membre « crs » illisible."), path=str(path), field="crs")
    if name.endswith(("CRS84", "CRS:84")):
        return WGS84
    try:
        return CRS.from_user_input(name)
    except CRSError as exc:
        raise ImportFileError(
            _("Système de coordonnées inconnu : %(name)s.") % {"name": name},
            path=str(path),
            field="crs",
        ) from exc


# --- shapefile -------------------------------------------------------------------------


def _read_shapefile(path: Path, *, source_crs: str | None) -> QpvFile:
    import shapefile  # pyshp

    prj = _sibling(path, ".prj")
    if prj is not None:
        try:
            crs = CRS.from_wkt(prj.read_text(encoding="latin-1"))
        except CRSError as exc:
            raise ImportFileError(
                _("Fichier .prj illisible : système de coordonnées inconnu."), path=str(prj)
            ) from exc
    elif source_crs:
        crs = _crs_from_option(source_crs)
    else:
        raise ImportFileError(
            _(
                "Fichier .prj absent : le système de coordonnées est inconnu. Ajoutez le .prj "
                "à côté du .shp, ou indiquez-le (ex. --srid EPSG:2154)."
            ),
            path=str(path),
        )
    if _sibling(path, ".dbf") is None:
        raise ImportFileError(
            _("Fichier .dbf absent : les attributs des QPV sont dans le .dbf à côté du .shp."),
            path=str(path),
        )
    cpg = _sibling(path, ".cpg")
    encoding = "utf-8"
    if cpg is not None:
        declared = cpg.read_text(encoding="ascii", errors="replace").strip().lower()
        encoding = {"1252": "cp1252", "ansi 1252": "cp1252"}.get(declared, declared or encoding)
    try:
        reader = shapefile.Reader(str(path), encoding=encoding)
    except (shapefile.ShapefileException, OSError, struct.error, LookupError) as exc:
        raise ImportFileError(
            _("Shapefile illisible : %(error)s") % {"error": exc}, path=str(path)
        ) from exc

    def rows() -> Iterator[tuple[dict, BaseGeometry | None]]:
        names = [f[0] for f in reader.fields[1:]]
        with reader:
            try:
                for index, record in enumerate(reader.iterShapeRecords(), start=1):
                    properties = dict(zip(names, list(record.record), strict=True))
                    if record.shape.shapeType == shapefile.NULL:
                        yield properties, None
                        continue
                    try:
                        geometry = shape(record.shape.__geo_interface__)
                    except (
                        AttributeError,
                        KeyError,
                        TypeError,
                        ValueError,
                        shapefile.ShapefileException,
                    ) as exc:
                        raise ImportFileError(
                            _("Entité n° %(n)s : géométrie illisible (%(error)s).")
                            % {"n": index, "error": exc},
                            path=str(path),
                        ) from exc
                    yield properties, geometry
            except (UnicodeDecodeError, struct.error, shapefile.ShapefileException) as exc:
                raise ImportFileError(
                    _("Shapefile illisible : %(error)s") % {"error": exc}, path=str(path)
                ) from exc

    return _build(path, "shapefile", crs, rows())


def _sibling(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def _crs_from_option(value: str) -> CRS:
    try:
        return CRS.from_user_input(value)
    except CRSError as exc:
        raise ImportFileError(
            _("Système de coordonnées inconnu : %(name)s.") % {"name": value}
        ) from exc


# --- GeoPackage ------------------------------------------------------------------------

# Bytes of the optional envelope after the 8-byte header, by the envelope indicator.
GPKG_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _read_geopackage(path: Path) -> QpvFile:
    """A GeoPackage is an SQLite file: read its one feature table with the standard library."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise ImportFileError(
                _("GeoPackage illisible : ce n'est pas une base SQLite."), path=str(path)
            ) from exc
        try:
            layers = connection.execute(
                "SELECT c.table_name, g.column_name, g.srs_id, s.organization, "
                "s.organization_coordsys_id, s.definition "
                "FROM gpkg_contents c "
                "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
                "LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id "
                "WHERE c.data_type = 'features'"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise ImportFileError(
                _("GeoPackage illisible : tables gpkg_contents ou gpkg_geometry_columns absentes."),
                path=str(path),
            ) from exc
        layer = _choose_layer(path, connection, layers)
        table, column, srs_id, organization, org_id, definition = layer
        crs = _geopackage_crs(path, srs_id, organization, org_id, definition)
        cursor = connection.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        rows_list = cursor.fetchall()
    finally:
        connection.close()

    def rows() -> Iterator[tuple[dict, BaseGeometry | None]]:
        for index, row in enumerate(rows_list, start=1):
            properties = dict(zip(names, row, strict=True))
            blob = properties.pop(column)
            yield properties, _gpkg_geometry(path, index, blob)

    return _build(path, "geopackage", crs, rows())


def _choose_layer(path: Path, connection: sqlite3.Connection, layers: list[tuple]) -> tuple:
    if not layers:
        raise ImportFileError(
            _("Le GeoPackage ne contient aucune couche d'entités."), path=str(path)
        )
    with_code = []
    for layer in layers:
        columns = {row[1].lower() for row in connection.execute(f'PRAGMA table_info("{layer[0]}")')}
        if columns & set(PROPERTY_ALIASES["code_qp"]):
            with_code.append(layer)
    if len(with_code) != 1:
        raise ImportFileError(
            _(
                "Le GeoPackage doit contenir une seule couche avec une colonne « code_qp » "
                "(couches : %(layers)s)."
            )
            % {"layers": ", ".join(layer[0] for layer in layers)},
            path=str(path),
        )
    return with_code[0]


def _geopackage_crs(
    path: Path, srs_id: int, organization: str | None, org_id: int | None, definition: str | None
) -> CRS:
    try:
        if organization and organization.upper() == "EPSG" and org_id and org_id > 0:
            return CRS.from_epsg(org_id)
        if definition and definition.strip().lower() not in {"", "undefined"}:
            return CRS.from_wkt(definition)
    except CRSError as exc:
        raise ImportFileError(
            _("Système de coordonnées %(srs)s illisible.") % {"srs": srs_id}, path=str(path)
        ) from exc
    raise ImportFileError(
        _("Système de coordonnées %(srs)s non défini dans le GeoPackage.") % {"srs": srs_id},
        path=str(path),
    )


def _gpkg_geometry(path: Path, index: int, blob: bytes | None) -> BaseGeometry | None:
    """Decode a GeoPackage geometry: "GP" header, optional envelope, then standard WKB."""
    if blob is None:
        return None
    blob = bytes(blob)
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ImportFileError(
            _("Entité n° %(n)s : géométrie GeoPackage invalide (en-tête « GP » absent).")
            % {"n": index},
            path=str(path),
        )
    flags = blob[3]
    if flags & 0b10000:  # empty geometry flag
        return None
    envelope = GPKG_ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ImportFileError(
            _("Entité n° %(n)s : enveloppe GeoPackage invalide.") % {"n": index}, path=str(path)
        )
    try:
        return shapely.from_wkb(blob[8 + envelope :])
    except shapely.errors.GEOSException as exc:
        raise ImportFileError(
            _("Entité n° %(n)s : géométrie WKB illisible (%(error)s).")
            % {"n": index, "error": exc},
            path=str(path),
        ) from exc


# --- common: properties, geometry checks, reprojection ----------------------------------


def _build(
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
    if transformer is not None:
        geometry = shapely.transform(geometry, lambda xy: _project(transformer, xy))
    coordinates = shapely.get_coordinates(geometry)
    if not all(math.isfinite(v) for v in coordinates.flat):
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
    # Snapping to the grid keeps the output valid (what rounding alone could break).
    geometry = shapely.set_precision(geometry, 10**-COORDINATE_DECIMALS)
    polygons = _polygons(geometry)
    if not polygons:
        raise error(_("contour dégénéré (surface nulle)."))
    return MultiPolygon(polygons), repaired


def _project(transformer: Transformer, xy):
    import numpy as np

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.is_empty and geometry.area > 0 else []
    parts = getattr(geometry, "geoms", ())
    return [p for part in parts for p in _polygons(part)]
