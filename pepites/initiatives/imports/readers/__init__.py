"""Reading the files the centres keep: bytes in, rows with their line numbers out.

`read_table` detects the format and hands over to its reader: `delimited` (CSV),
`spreadsheets` (XLSX, ODS), `json_exports` (GeoJSON, uMap, GoGoCarto); `base` holds the
`RawTable` they all return and the limits of a file.

Every format ends in the same `RawTable`: rows of cells, each with the line (spreadsheet
row, or element number in a JSON file) that messages quote. Nothing here knows our fields:
the header row is found by `mapping`. Anything unreadable raises ImportFileError with a
French message, never another exception.
"""

from __future__ import annotations

import codecs
import zipfile

from django.utils.translation import gettext as _

from pepites.core.errors import ImportFileError
from pepites.initiatives.imports.readers.base import (
    ACCEPTED,
    MAX_FILE_BYTES,
    RawTable,
    file_suffix,
    open_zip,
)
from pepites.initiatives.imports.readers.delimited import read_csv
from pepites.initiatives.imports.readers.json_exports import read_json
from pepites.initiatives.imports.readers.spreadsheets import read_ods, read_xlsx


def read_table(data: bytes, *, filename: str = "", sheet: str = "") -> RawTable:
    """Read any supported file; raise ImportFileError (in French) when it cannot be read."""
    if not data:
        raise ImportFileError(_("Le fichier est vide."), path=filename)
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("Le fichier dépasse %(max)s Mo : découpez-le en plusieurs fichiers.")
            % {"max": MAX_FILE_BYTES // (1024 * 1024)},
            path=filename,
        )
    kind = detect_format(data, filename=filename)
    if kind == "xlsx":
        return read_xlsx(data, filename=filename, sheet=sheet)
    if kind == "ods":
        return read_ods(data, filename=filename, sheet=sheet)
    if kind == "json":
        try:
            return read_json(data, filename=filename)
        except ImportFileError:
            if file_suffix(filename) in {".json", ".geojson", ".umap"}:
                raise
            # Starts like JSON but is not: a CSV whose first cell begins with "[" or "{".
    return read_csv(data, filename=filename)


def detect_format(data: bytes, *, filename: str = "") -> str:
    """ "xlsx", "ods", "json" or "csv", from the content first and the name second."""
    suffix = file_suffix(filename)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or suffix == ".xls":
        raise ImportFileError(
            _(
                "Ancien format Excel (.xls) : enregistrez le classeur au format .xlsx, .ods "
                "ou CSV, puis importez-le."
            ),
            path=filename,
        )
    if data[:4] == b"PK\x03\x04":
        return _zip_kind(data, filename)
    if suffix in {".xlsx", ".xlsm", ".ods"}:
        raise ImportFileError(
            _("Ce fichier porte l'extension %(suffix)s mais n'est pas un classeur valide.")
            % {"suffix": suffix},
            path=filename,
        )
    start = data.lstrip(codecs.BOM_UTF8).lstrip()[:1]
    if suffix in {".json", ".geojson", ".umap"} or start in (b"{", b"["):
        return "json"
    return "csv"


def _zip_kind(data: bytes, filename: str) -> str:
    with open_zip(data, filename) as archive:
        names = set(archive.namelist())
        mimetype = b""
        if "mimetype" in names:
            try:
                mimetype = archive.read("mimetype")[:100]
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                mimetype = b""
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument") or "word/document.xml" in names:
        raise ImportFileError(
            _("C'est un document de traitement de texte, pas un tableau (%(accepted)s).")
            % {"accepted": ACCEPTED},
            path=filename,
        )
    raise ImportFileError(
        _("Archive ZIP qui n'est ni un classeur Excel ni un classeur OpenDocument (%(accepted)s).")
        % {"accepted": ACCEPTED},
        path=filename,
    )
