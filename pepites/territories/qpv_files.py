"""Reading the ANCT's QPV outlines: GeoJSON (WGS84), shapefile or GeoPackage.

Reading only, into plain dataclasses with WGS84 geometries; writing is in services. No GDAL
from the operating system: shapefiles are read with pyshp, GeoPackages (SQLite files) with
the standard library and shapely's WKB reader, and projections are done by pyproj.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from pepites.core.errors import ImportFileError
from pepites.territories.qpv_records import (  # re-exported: what callers use
    COORDINATE_DECIMALS,
    PROPERTY_ALIASES,
    QPV_DATASET_NAME,
    QPV_LICENCE,
    QPV_SOURCE,
    WGS84,
    QpvFeature,
    QpvFile,
    build_qpv_file,
)

__all__ = [
    "COORDINATE_DECIMALS",
    "QPV_DATASET_NAME",
    "QPV_LICENCE",
    "QPV_SOURCE",
    "QpvFeature",
    "QpvFile",
    "read_qpv_file",
]


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
                geometry = _geojson_geometry(raw)
            except (
                AttributeError,
                KeyError,
                TypeError,
                ValueError,
                IndexError,
                shapely.errors.GEOSException,
            ) as exc:
                raise ImportFileError(
                    _("Entité n° %(n)s : géométrie illisible (%(error)s).")
                    % {"n": index, "error": exc},
                    path=str(path),
                    field="geometry",
                ) from exc
            yield properties, geometry

    return build_qpv_file(path, "geojson", crs, rows())


def _geojson_geometry(raw: Any) -> BaseGeometry:
    """Polygons are built from numpy arrays (much faster than shape() on big outlines)."""
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind == "Polygon":
        return _polygon(raw["coordinates"])
    if kind == "MultiPolygon":
        return MultiPolygon([_polygon(rings) for rings in raw["coordinates"]])
    return shape(raw)  # any other type is refused later, with its name


def _polygon(rings: list) -> Polygon:
    arrays = [np.asarray(ring, dtype=float) for ring in rings]
    if not arrays or any(a.ndim != 2 or a.shape[1] < 2 for a in arrays):
        raise ValueError(_("anneau mal formé"))
    return Polygon(arrays[0][:, :2], [a[:, :2] for a in arrays[1:]])


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

    return build_qpv_file(path, "shapefile", crs, rows())


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

    return build_qpv_file(path, "geopackage", crs, rows())


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
