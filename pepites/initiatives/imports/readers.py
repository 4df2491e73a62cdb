"""Reading the files the centres keep: bytes in, rows with their line numbers out.

Every format ends in the same `RawTable`: rows of cells, each with the line (spreadsheet
row, or element number in a JSON file) that messages quote. Nothing here knows our fields:
the header row is found by `mapping`. Anything unreadable raises ImportFileError with a
French message, never another exception.

CSV encodings: a BOM says UTF-8 or UTF-16; otherwise strict UTF-8 is tried first (text
that is not UTF-8 almost never decodes as UTF-8 by chance, because accented letters
become invalid byte sequences), then Windows-1252, which is what Excel and LibreOffice
write for "CSV" on a French Windows and which includes Latin-1's letters plus œ, € and the
typographic quotes. A charset-guessing library would add uncertainty for the two
encodings that actually occur.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from pepites.core.errors import ImportFileError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 300
# A spreadsheet is a ZIP archive: refuse one that would inflate beyond this.
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
CSV_DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
SNIFF_LINES = 50

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
            if _suffix(filename) in {".json", ".geojson", ".umap"}:
                raise
            # Starts like JSON but is not: a CSV whose first cell begins with "[" or "{".
    return read_csv(data, filename=filename)


def _suffix(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def detect_format(data: bytes, *, filename: str = "") -> str:
    """ "xlsx", "ods", "json" or "csv", from the content first and the name second."""
    suffix = _suffix(filename)
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


def _open_zip(data: bytes, filename: str) -> zipfile.ZipFile:
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


def _zip_kind(data: bytes, filename: str) -> str:
    with _open_zip(data, filename) as archive:
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


def _check_rows(rows: list, filename: str) -> None:
    if len(rows) >= MAX_ROWS:
        raise ImportFileError(
            _("Le fichier compte plus de %(max)s lignes : découpez-le en plusieurs fichiers.")
            % {"max": f"{MAX_ROWS:,}".replace(",", " ")},
            path=filename,
        )


# --- CSV ----------------------------------------------------------------------------------


def decode_text(data: bytes, *, filename: str = "") -> tuple[str, str]:
    """(text, encoding name): BOM, then strict UTF-8, then Windows-1252."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Le fichier annonce un encodage Unicode mais contient des octets invalides."),
            path=filename,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "Encodage non reconnu (ni UTF-8 ni Windows-1252, octet 0x%(byte)02X) : "
                "enregistrez le fichier en « CSV UTF-8 »."
            )
            % {"byte": data[exc.start]},
            path=filename,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from exc


def _first_lines(text: str, count: int) -> str:
    buffer = io.StringIO(text, newline="")
    return "".join(buffer.readline() for _ in range(count))


def _delimiter_score(sample: str, delimiter: str) -> tuple[float, int]:
    """(share of the records having the most common width, that width); width 1 scores 0
    (a title line above the headers has one cell whatever the delimiter)."""
    try:
        records = [
            row
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            if any(cell.strip() for cell in row)
        ]
    except csv.Error:
        return (0.0, 0)
    if len(records) > 2:
        records = records[:-1]  # the sample may cut the last record
    widths = Counter(len(row) for row in records)
    if not widths:
        return (0.0, 0)
    width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
    if width < 2:
        return (0.0, 0)
    return (count / len(records), width)


def detect_delimiter(text: str) -> str:
    """ ";", "," or tab: csv.Sniffer's guess when the records agree with it, otherwise the
    candidate whose records have the most consistent width (descriptions full of commas
    often mislead the sniffer)."""
    sample = _first_lines(text, SNIFF_LINES)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(CSV_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    scores = {d: _delimiter_score(sample, d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: (scores[d], d == sniffed))
    if sniffed in scores and scores[sniffed] >= scores[best]:
        return sniffed
    return best if scores[best][1] else ";"


def read_csv(data: bytes, *, filename: str = "") -> RawTable:
    text, encoding = decode_text(data, filename=filename)
    if "\x00" in text:
        raise ImportFileError(
            _(
                "Ce fichier ne ressemble pas à un tableau : il contient des caractères binaires (%(accepted)s)."
            )
            % {"accepted": ACCEPTED},
            path=filename,
            line=text.count("\n", 0, text.index("\x00")) + 1,
        )
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[RawRow] = []
    consumed = 0
    try:
        for cells in reader:
            line, consumed = consumed + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            _check_rows(rows, filename)
            rows.append(RawRow(line=line, cells=cells[:MAX_COLUMNS]))
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = _(
                "une cellule dépasse %(max)s caractères : un guillemet n'est probablement "
                "pas refermé"
            ) % {"max": f"{csv.field_size_limit():,}".replace(",", " ")}
        raise ImportFileError(
            _("CSV mal formé : %(error)s.") % {"error": message},
            path=filename,
            line=consumed + 1,
        ) from exc
    return RawTable(
        format="csv", rows=rows, encoding=encoding, delimiter=delimiter, unit=_("ligne")
    )


# --- Spreadsheets -------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, str | int | float | bool | date) or value is None:
        return value
    return str(value)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_xlsx(data: bytes, *, filename: str = "", sheet: str = "") -> RawTable:
    from openpyxl import load_workbook

    _open_zip(data, filename).close()  # size checks before openpyxl inflates anything
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportFileError(
            _("Classeur Excel illisible : %(error)s") % {"error": exc.__class__.__name__},
            path=filename,
        ) from exc
    try:
        sheets = _choose_sheets(workbook.sheetnames, sheet, filename)
        for name in sheets:
            worksheet = workbook[name]
            if hasattr(worksheet, "reset_dimensions"):
                worksheet.reset_dimensions()  # some writers store a wrong size
            rows: list[RawRow] = []
            try:
                for line, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                    cells = [_cell(v) for v in values[:MAX_COLUMNS]]
                    if all(_is_blank(c) for c in cells):
                        continue
                    _check_rows(rows, filename)
                    rows.append(RawRow(line=line, cells=cells))
            except ImportFileError:
                raise
            except Exception as exc:  # damaged sheet XML
                raise ImportFileError(
                    _("Feuille « %(sheet)s » illisible : %(error)s")
                    % {"sheet": name, "error": exc.__class__.__name__},
                    path=filename,
                ) from exc
            if rows or name == sheets[-1]:
                return RawTable(format="xlsx", rows=rows, sheet=name, unit=_("ligne"))
    finally:
        workbook.close()
    raise ImportFileError(_("Le classeur ne contient aucune feuille."), path=filename)


def _choose_sheets(names: list[str], wanted: str, filename: str) -> list[str]:
    if not names:
        raise ImportFileError(_("Le classeur ne contient aucune feuille."), path=filename)
    if not wanted:
        return names  # the first one that holds something
    if wanted not in names:
        raise ImportFileError(
            _("Feuille « %(sheet)s » introuvable ; feuilles du classeur : %(names)s.")
            % {"sheet": wanted, "names": ", ".join(names)},
            path=filename,
        )
    return [wanted]


def _odf_text(element) -> str:
    """The text of a cell: paragraphs on their own lines, text:s as spaces."""
    from odf.namespaces import TEXTNS

    parts: list[str] = []

    def walk(node) -> None:
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                parts.append(child.data)
                continue
            if child.nodeType != child.ELEMENT_NODE:
                continue
            namespace, name = child.qname
            if namespace == TEXTNS and name == "s":
                try:
                    count = int(child.getAttrNS(TEXTNS, "c") or 1)
                except ValueError:
                    count = 1
                parts.append(" " * max(1, min(count, 1000)))
            elif namespace == TEXTNS and name == "tab":
                parts.append("\t")
            elif namespace == TEXTNS and name == "line-break":
                parts.append("\n")
            elif namespace == TEXTNS and name == "note":
                continue  # comments are not data
            else:
                walk(child)

    paragraphs = []
    for child in element.childNodes:
        if child.nodeType == child.ELEMENT_NODE and child.qname == (TEXTNS, "p"):
            parts = []
            walk(child)
            paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _odf_value(cell) -> Any:
    from odf.namespaces import OFFICENS

    kind = cell.getAttrNS(OFFICENS, "value-type")
    try:
        if kind in {"float", "percentage", "currency"}:
            number = float(cell.getAttrNS(OFFICENS, "value"))
            return int(number) if number.is_integer() and abs(number) < 1e15 else number
        if kind == "date":
            raw = cell.getAttrNS(OFFICENS, "date-value") or ""
            return datetime.fromisoformat(raw) if "T" in raw else date.fromisoformat(raw)
        if kind == "boolean":
            return (cell.getAttrNS(OFFICENS, "boolean-value") or "").lower() == "true"
    except (TypeError, ValueError):
        pass  # a malformed value: fall back to the displayed text
    text = _odf_text(cell)
    return text if text != "" else None


def _repeat(element, attribute: str) -> int:
    from odf.namespaces import TABLENS

    try:
        return max(1, int(element.getAttrNS(TABLENS, attribute) or 1))
    except ValueError:
        return 1


def read_ods(data: bytes, *, filename: str = "", sheet: str = "") -> RawTable:
    from odf import table
    from odf.namespaces import TABLENS
    from odf.opendocument import load

    _open_zip(data, filename).close()
    try:
        document = load(io.BytesIO(data))
        tables = document.spreadsheet.getElementsByType(table.Table)
    except Exception as exc:  # odfpy raises many kinds of errors on a damaged file
        raise ImportFileError(
            _("Classeur OpenDocument illisible : %(error)s") % {"error": exc.__class__.__name__},
            path=filename,
        ) from exc
    names = [t.getAttrNS(TABLENS, "name") or "" for t in tables]
    chosen = _choose_sheets(names, sheet, filename)
    for sheet_table, name in zip(tables, names, strict=True):
        if name not in chosen:
            continue
        rows: list[RawRow] = []
        line = 0
        for row in sheet_table.getElementsByType(table.TableRow):
            repeat = _repeat(row, "number-rows-repeated")
            cells: list[Any] = []
            blanks = 0  # empty cells kept back until a value follows (trailing ones are dropped)
            for cell in row.childNodes:
                if cell.nodeType != cell.ELEMENT_NODE or cell.qname[0] != TABLENS:
                    continue
                if cell.qname[1] not in {"table-cell", "covered-table-cell"}:
                    continue
                value = _odf_value(cell)
                count = _repeat(cell, "number-columns-repeated")
                if _is_blank(value):
                    blanks += count
                    continue
                cells.extend([None] * min(blanks, MAX_COLUMNS))
                blanks = 0
                cells.extend([value] * min(count, MAX_COLUMNS))
                if len(cells) >= MAX_COLUMNS:
                    break
            if not cells:
                line += repeat  # empty rows, often repeated a million times at the end
                continue
            for _copy in range(min(repeat, MAX_ROWS)):
                line += 1
                _check_rows(rows, filename)
                rows.append(RawRow(line=line, cells=cells[:MAX_COLUMNS]))
            line += max(0, repeat - MAX_ROWS)
        if rows or name == chosen[-1]:
            return RawTable(format="ods", rows=rows, sheet=name, unit=_("ligne"))
    raise ImportFileError(_("Le classeur ne contient aucune feuille."), path=filename)


# --- JSON: GeoJSON, uMap, GoGoCarto --------------------------------------------------------


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
        raise ImportFileError(
            _("Un fichier JSON doit être encodé en UTF-8."),
            path=filename,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from exc
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
        if all(_is_blank(c) for c in cells):
            continue
        _check_rows(rows, filename)
        rows.append(RawRow(line=number, cells=cells))
    return RawTable(format=kind, rows=rows, headers=names, unit=_("élément"))
