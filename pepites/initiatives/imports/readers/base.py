"""What every reader gives: rows of cells with the line that messages quote, and the limits
a file must stay within (size, rows, columns, inflated size of an archive)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from pepites.core.errors import ImportFileError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 300
# A spreadsheet is a ZIP archive: refuse one that would inflate beyond this.
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024

FORMAT_LABELS = {
    "csv": "CSV",
    "xlsx": "Excel (XLSX)",
    "ods": "OpenDocument (ODS)",
    "geojson": "GeoJSON",
    "umap": "uMap",
    "gogocarto": "GoGoCarto",
}
ACCEPTED = _("formats acceptés : CSV, XLSX, ODS, GeoJSON, export uMap ou GoGoCarto")


@dataclass
class RawRow:
    line: int  # 1-based: spreadsheet row, first line of a CSV record, or element number
    cells: list[Any]


@dataclass
class RawTable:
    format: str
    rows: list[RawRow]
    # How a row is named in messages: "ligne" (tables) or "élément" (JSON).
    unit: str = "ligne"
    # JSON formats have no header row: the property names, one per cell of every row.
    headers: list[str] | None = None
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, self.format)


def file_suffix(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def open_zip(data: bytes, filename: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(
            _("Archive illisible (classeur endommagé ?) : %(error)s") % {"error": exc},
            path=filename,
        ) from exc
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        raise ImportFileError(
            _("Le classeur décompressé dépasse %(max)s Mo : découpez-le.")
            % {"max": MAX_UNZIPPED_BYTES // (1024 * 1024)},
            path=filename,
        )
    return archive


def undecodable(
    message: str, data: bytes, exc: UnicodeDecodeError, filename: str
) -> ImportFileError:
    """The error for bytes that do not decode, at the line where they stand."""
    return ImportFileError(message, path=filename, line=data.count(b"\n", 0, exc.start) + 1)


def check_rows(rows: list, filename: str) -> None:
    if len(rows) >= MAX_ROWS:
        raise ImportFileError(
            _("Le fichier compte plus de %(max)s lignes : découpez-le en plusieurs fichiers.")
            % {"max": f"{MAX_ROWS:,}".replace(",", " ")},
            path=filename,
        )
