"""Spreadsheets: Excel (XLSX, through openpyxl) and OpenDocument (ODS, through odfpy).

The first sheet that holds something is read, unless one is named; values keep their type
(numbers, dates, booleans) for the parsers of `values`.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any

from django.utils.translation import gettext as _

from pepites.core.errors import ImportFileError
from pepites.initiatives.imports.readers.base import (
    MAX_COLUMNS,
    MAX_ROWS,
    RawRow,
    RawTable,
    check_rows,
    is_blank,
    open_zip,
)


def _cell(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, str | int | float | bool | date) or value is None:
        return value
    return str(value)


def read_xlsx(data: bytes, *, filename: str = "", sheet: str = "") -> RawTable:
    from openpyxl import load_workbook

    open_zip(data, filename).close()  # size checks before openpyxl inflates anything
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
                    if all(is_blank(c) for c in cells):
                        continue
                    check_rows(rows, filename)
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

    open_zip(data, filename).close()
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
                if is_blank(value):
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
                check_rows(rows, filename)
                rows.append(RawRow(line=line, cells=cells[:MAX_COLUMNS]))
            line += max(0, repeat - MAX_ROWS)
        if rows or name == chosen[-1]:
            return RawTable(format="ods", rows=rows, sheet=name, unit=_("ligne"))
    raise ImportFileError(_("Le classeur ne contient aucune feuille."), path=filename)
