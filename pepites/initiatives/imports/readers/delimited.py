"""CSV files, as spreadsheets and databases write them: the encoding and the delimiter are
found, not asked.

Encodings: a BOM says UTF-8 or UTF-16; otherwise strict UTF-8 is tried first (text
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
from collections import Counter

from django.utils.translation import gettext as _

from pepites.core.errors import ImportFileError
from pepites.core.spreadsheet import restore
from pepites.initiatives.imports.readers.base import (
    ACCEPTED,
    MAX_COLUMNS,
    RawRow,
    RawTable,
    check_rows,
    undecodable,
)

CSV_DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
SNIFF_LINES = 50


def decode_text(data: bytes, *, filename: str = "") -> tuple[str, str]:
    """(text, encoding name): BOM, then strict UTF-8, then Windows-1252."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as exc:
        message = _("Le fichier annonce un encodage Unicode mais contient des octets invalides.")
        raise undecodable(message, data, exc, filename) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        message = _(
            "Encodage non reconnu (ni UTF-8 ni Windows-1252, octet 0x%(byte)02X) : "
            "enregistrez le fichier en « CSV UTF-8 »."
        ) % {"byte": data[exc.start]}
        raise undecodable(message, data, exc, filename) from exc


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
            check_rows(rows, filename)
            # Our CSV exports prefix formula-like text with ' (spreadsheet safety): undo it.
            rows.append(RawRow(line=line, cells=[restore(c) for c in cells[:MAX_COLUMNS]]))
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
