"""The open-data files: CSV, GeoJSON and XLSX, written as the rows come, and what every file
says about itself (licence, date, filters).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pepites.core import links
from pepites.core.siteurl import site_url
from pepites.core.spreadsheet import neutralise
from pepites.initiatives.exports.columns import COLUMN_NAMES, COLUMNS, FALSE, TRUE
from pepites.initiatives.exports.rows import row_values
from pepites.initiatives.exports.schema import LICENCE
from pepites.initiatives.models import Initiative


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class ExportInfo:
    """What every file says about itself."""

    generated_at: datetime
    filters: dict[str, Any]
    count: int | None = None

    @property
    def date(self) -> str:
        return (
            self.generated_at.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        )


def export_info(*, filters: dict[str, Any] | None = None) -> ExportInfo:
    return ExportInfo(generated_at=timezone.now(), filters=dict(filters or {}))


# --- CSV ----------------------------------------------------------------------------------


class _Line:
    def write(self, value: str) -> str:
        return value


# Text columns pass through `neutralise` (no formula for a spreadsheet); numbers such as a
# negative longitude are not text and stay as they are.
_TEXT_COLUMNS = tuple(column.type == "string" for column in COLUMNS)


def _csv_cells(initiative: Initiative) -> list[str]:
    return [
        neutralise(_text(value)) if is_text else _text(value)
        for is_text, value in zip(_TEXT_COLUMNS, row_values(initiative), strict=True)
    ]


def iter_csv(initiatives: Iterable[Initiative], *, batch: int = 500) -> Iterator[str]:
    """The CSV as text chunks (UTF-8 once encoded, comma separated, CRLF line ends)."""
    writer = csv.writer(_Line())  # text cells already neutralised by _csv_cells
    yield writer.writerow(COLUMN_NAMES)
    lines: list[str] = []
    for initiative in initiatives:
        lines.append(writer.writerow(_csv_cells(initiative)))
        if len(lines) >= batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def write_csv(initiatives: Iterable[Initiative], stream) -> None:
    """Write the CSV to a binary stream."""
    for chunk in iter_csv(initiatives):
        stream.write(chunk.encode("utf-8"))


# --- GeoJSON ------------------------------------------------------------------------------


def _feature(initiative: Initiative) -> dict[str, Any]:
    properties = {}
    for column, value in zip(COLUMNS, row_values(initiative), strict=True):
        if column.name in {"latitude", "longitude"}:
            continue
        properties[column.name] = value
    geometry = None
    if initiative.latitude is not None and initiative.longitude is not None:
        geometry = {"type": "Point", "coordinates": [initiative.longitude, initiative.latitude]}
    return {
        "type": "Feature",
        "id": str(initiative.uid),
        "geometry": geometry,
        "properties": properties,
    }


def iter_geojson(
    initiatives: Iterable[Initiative], *, info: ExportInfo, batch: int = 200
) -> Iterator[str]:
    """A FeatureCollection with the licence, date and source as foreign members."""
    head = {
        "type": "FeatureCollection",
        "name": "pepites-initiatives",
        "title": str(_("Initiatives publiées sur Pépites")),
        "licence": LICENCE,
        "date": info.date,
        "source": site_url() + "/",
        "schema": links.absolute("open_data.schema"),
        "filters": info.filters,
    }
    text = json.dumps(head, ensure_ascii=False)
    yield text[:-1] + ', "features": ['
    parts: list[str] = []
    first = True
    for initiative in initiatives:
        parts.append(
            ("" if first else ",\n") + json.dumps(_feature(initiative), ensure_ascii=False)
        )
        first = False
        if len(parts) >= batch:
            yield "".join(parts)
            parts = []
    parts.append("]}\n")
    yield "".join(parts)


# --- XLSX ---------------------------------------------------------------------------------


def write_xlsx(initiatives: Iterable[Initiative], stream, *, info: ExportInfo) -> None:
    """A workbook: the initiatives, the data dictionary, and a sheet saying what this is."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    workbook.properties.title = str(_("Initiatives publiées sur Pépites"))
    workbook.properties.creator = "Pépites"
    workbook.properties.description = f"{LICENCE['title']} — {info.date}"
    sheet = workbook.create_sheet(str(_("Initiatives")))
    sheet.freeze_panes = "A2"
    sheet.append(COLUMN_NAMES)

    def cell(value: Any):
        if isinstance(value, bool):
            value = TRUE if value else FALSE
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            written.data_type = "s"  # text, never a formula
        return written

    for initiative in initiatives:
        sheet.append([cell(v) for v in row_values(initiative)])
    dictionary = workbook.create_sheet(str(_("Dictionnaire")))
    dictionary.append(
        [str(_("colonne")), str(_("intitulé")), str(_("type")), str(_("description"))]
    )
    for column in COLUMNS:
        dictionary.append([column.name, str(column.title), column.type, str(column.description)])
    about = workbook.create_sheet(str(_("À propos")))
    for line in about_lines(info):
        about.append(line)
    workbook.save(stream)


def about_lines(info: ExportInfo) -> list[list[str]]:
    filters = ", ".join(f"{k} = {v}" for k, v in info.filters.items() if v) or str(_("aucun"))
    return [
        [str(_("Données")), str(_("Initiatives publiées sur Pépites"))],
        [str(_("Source")), site_url() + "/"],
        [str(_("Licence")), f"{LICENCE['title']} ({LICENCE['path']})"],
        [str(_("Date de l'export")), info.date],
        [str(_("Filtres")), filters],
        [str(_("Schéma")), links.absolute("open_data.schema")],
    ]
