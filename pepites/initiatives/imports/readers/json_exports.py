"""Map exports in JSON: GeoJSON, uMap (a map or one of its layers) and GoGoCarto.

Each feature or element is a row; its properties, one level of nesting opened, are the
columns, and a geometry gives the latitude and longitude columns.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from pepites.core.errors import ImportFileError
from pepites.initiatives.imports.readers.base import (
    MAX_COLUMNS,
    RawRow,
    RawTable,
    check_rows,
    is_blank,
    undecodable,
)


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("name") or item.get("label") or item.get("title")
            if item is None or isinstance(item, list | dict):
                continue
            parts.append(str(item))
        return "; ".join(parts)
    return json.dumps(value, ensure_ascii=False)


def _flatten(properties: dict) -> dict[str, Any]:
    """One level of nesting is opened ({"address": {"postalCode": …}} → "postalCode"),
    uMap's styling keys are dropped."""
    flat: dict[str, Any] = {}
    for key, value in properties.items():
        key = str(key)
        if key.startswith(("_umap", "_storage")):
            continue
        if isinstance(value, dict):
            for sub_key, sub_value in value.items():
                name = str(sub_key)
                if name in properties or name in flat:
                    name = f"{key}.{name}"
                flat[name] = _scalar(sub_value)
        else:
            flat[key] = _scalar(value)
    return flat


def _point(geometry: Any) -> tuple[float, float] | None:
    """(longitude, latitude) of a Point, or a point inside any other geometry."""
    if not isinstance(geometry, dict):
        return None
    if geometry.get("type") == "Point":
        coordinates = geometry.get("coordinates")
        if (
            isinstance(coordinates, list)
            and len(coordinates) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2])
        ):
            return float(coordinates[0]), float(coordinates[1])
        return None
    try:
        from shapely.geometry import shape

        point = shape(geometry).representative_point()
        return float(point.x), float(point.y)
    except Exception:  # a malformed geometry in someone's file: treated as no position
        return None


def _feature_record(feature: Any, layer: str = "") -> dict[str, Any] | None:
    if not isinstance(feature, dict):
        return None
    properties = feature.get("properties")
    record = _flatten(properties) if isinstance(properties, dict) else {}
    if "id" not in record and isinstance(feature.get("id"), str | int):
        record["id"] = feature["id"]
    if layer:
        record["calque"] = layer
    point = _point(feature.get("geometry"))
    if point is not None or "geometry" in feature:
        record["longitude"], record["latitude"] = point if point else (None, None)
    return record


def _layer_name(collection: dict) -> str:
    options = collection.get("_umap_options")
    if isinstance(options, dict) and isinstance(options.get("name"), str):
        return options["name"]
    return ""


def _records(document: Any, filename: str) -> tuple[str, list[dict[str, Any] | None]]:
    if isinstance(document, dict) and document.get("type") == "umap":
        layers = document.get("layers")
        if not isinstance(layers, list):
            raise ImportFileError(_("Export uMap sans calques (« layers »)."), path=filename)
        records = []
        for layer in layers:
            if isinstance(layer, dict) and isinstance(layer.get("features"), list):
                name = _layer_name(layer)
                records += [_feature_record(f, name) for f in layer["features"]]
        return "umap", records
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise ImportFileError(_("GeoJSON sans liste « features »."), path=filename)
        kind = "umap" if "_umap_options" in document else "geojson"
        name = _layer_name(document)
        return kind, [_feature_record(f, name) for f in features]
    if isinstance(document, dict) and document.get("type") == "Feature":
        return "geojson", [_feature_record(document)]
    elements = document.get("data") if isinstance(document, dict) else document
    if isinstance(elements, list) and all(isinstance(e, dict) for e in elements) and elements:
        return "gogocarto", [_flatten(e) for e in elements]
    if isinstance(elements, list) and elements and isinstance(elements[0], list):
        raise ImportFileError(
            _(
                "Export GoGoCarto au format compact : exportez-le au format complet "
                "(ontologie « gogofull »)."
            ),
            path=filename,
        )
    raise ImportFileError(
        _("JSON non reconnu : ni GeoJSON, ni export uMap, ni export GoGoCarto."), path=filename
    )


def read_json(data: bytes, *, filename: str = "") -> RawTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = _("Un fichier JSON doit être encodé en UTF-8.")
        raise undecodable(message, data, exc, filename) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("JSON mal formé : %(error)s.") % {"error": exc.msg},
            path=filename,
            line=exc.lineno,
            column=exc.colno,
        ) from exc
    except RecursionError as exc:
        raise ImportFileError(_("JSON trop imbriqué pour être lu."), path=filename) from exc
    kind, records = _records(document, filename)
    headers: dict[str, None] = {}
    for record in records:
        if record:
            headers.update(dict.fromkeys(record))
    names = list(headers)[:MAX_COLUMNS]
    rows: list[RawRow] = []
    for number, record in enumerate(records, start=1):
        if not record:
            continue
        cells = [record.get(name) for name in names]
        if all(is_blank(c) for c in cells):
            continue
        check_rows(rows, filename)
        rows.append(RawRow(line=number, cells=cells))
    return RawTable(format=kind, rows=rows, headers=names, unit=_("élément"))
