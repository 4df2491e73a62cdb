"""Property-based tests (Hypothesis) of the CSV reader and the header matcher: whatever the
bytes or the table, the only failure is a clear ImportFileError, and what can be read is
read back exactly."""

import csv
import io
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pepites.core.errors import ImportFileError
from pepites.initiatives.imports.fields import FIELDS
from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.imports.mapping import (
    HEADER_INDEX,
    map_columns,
    match_header,
    normalise_header,
)
from pepites.initiatives.imports.readers import read_table
from pepites.initiatives.imports.readers.base import RawRow, RawTable
from pepites.initiatives.imports.readers.delimited import read_csv

SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_give_a_table_or_an_import_error(data):
    try:
        table = read_table(data, filename="fichier.csv")
    except ImportFileError as error:
        assert error.message
        assert str(error)
    else:
        assert all(isinstance(row.line, int) and row.line >= 1 for row in table.rows)


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["a.xlsx", "a.ods", "a.json", "a.geojson"]))
def test_random_bytes_under_any_name(data, name):
    try:
        read_table(data, filename=name)
    except ImportFileError as error:
        assert error.message


@SETTINGS
@given(st.binary(max_size=500))
def test_random_bytes_inside_a_zip_archive(data):
    """What a damaged spreadsheet looks like: a ZIP signature, then anything."""
    try:
        read_table(b"PK\x03\x04" + data, filename="classeur.xlsx")
    except ImportFileError as error:
        assert error.message


# Cells without the candidate separators (a cell holding another one makes any table
# ambiguous), but with quotes, line breaks, accents and spaces.
CELL = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=";,\t\x00",
    ),
    max_size=30,
)


@st.composite
def tables(draw):
    width = draw(st.integers(min_value=2, max_value=6))
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=8))
    return rows


def _written(rows, delimiter: str) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


@SETTINGS
@given(
    tables(), st.sampled_from([";", ",", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])
)
def test_random_tables_are_read_back_exactly(rows, delimiter, encoding):
    text = _written(rows, delimiter)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    if encoding == "cp1252":
        # Windows-1252 text that happens to be valid UTF-8 cannot be told apart.
        try:
            data.decode("utf-8")
            assume(False)
        except UnicodeDecodeError:
            pass
    table = read_csv(data, filename="t.csv")
    expected = [row for row in rows if any(cell.strip() for cell in row)]
    assert [row.cells for row in table.rows] == expected
    if len(expected) > 1 or any("\n" in c or "\r" in c or '"' in c for c in rows[0]):
        return
    assert table.delimiter == delimiter


@SETTINGS
@given(
    st.lists(st.one_of(st.none(), st.text(max_size=40), st.integers(), st.floats()), max_size=30)
)
def test_any_header_row_maps_without_error(headers):
    table = RawTable(
        format="csv", rows=[RawRow(line=1, cells=headers), RawRow(line=2, cells=list(headers))]
    )
    mapping, _rows = map_columns(table)
    keys = [column.key for column in mapping.columns if column.key]
    assert len(keys) == len(set(keys))  # a field comes from one column at most
    assert all(isinstance(message, str) for message in mapping.problems + mapping.notes)


def _messy(text: str, draw) -> str:
    """The header as people type it: any case, accents or not, extra spaces and marks."""
    out = []
    for char in text:
        if char == " ":
            out.append(draw(st.sampled_from([" ", "  ", "_", "-", " - "])))
        elif char.isalpha():
            out.append(char.upper() if draw(st.booleans()) else char)
        else:
            out.append(char)
    result = "".join(out)
    if draw(st.booleans()):
        result = unicodedata.normalize("NFKD", result).encode("ascii", "ignore").decode()
    return (
        draw(st.sampled_from(["", " ", "  "]))
        + result
        + draw(st.sampled_from(["", " ", " :", "*"]))
    )


@st.composite
def known_headers(draw):
    field = draw(st.sampled_from([f for f in FIELDS if f.synonyms]))
    synonym = draw(st.sampled_from([field.name.replace("_", " "), *field.synonyms]))
    return field, synonym, _messy(synonym, draw)


@SETTINGS
@given(known_headers())
def test_headers_are_recognised_however_they_are_written(case):
    _field, synonym, header = case
    expected = HEADER_INDEX[normalise_header(synonym)]
    key, how = match_header(header)
    assert key == expected, (header, synonym)
    assert how == "exact"


@pytest.fixture
def quiet_geocoder(settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9"  # no network: every address stays unplaced
    settings.GEOCODER_RETRIES = 0


HEADER_WORDS = [
    "Titre",
    "Nom du projet",
    "Porteur",
    "Description",
    "Thématique",
    "Code postal",
    "Ville",
    "Latitude",
    "Longitude",
    "Année",
    "Site web",
    "Code INSEE",
    "Adresse",
]
ANY_CELL = st.one_of(st.none(), st.text(max_size=25), st.integers(-(10**6), 10**6), st.floats())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=8, unique=True),
    st.lists(st.lists(ANY_CELL, min_size=0, max_size=9), max_size=6),
)
def test_random_tables_through_the_whole_import_never_raise(
    reference_data, quiet_geocoder, headers, rows
):
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = Workbook()
    sheet = workbook.active
    buffer = io.BytesIO()
    try:
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        workbook.save(buffer)
    except IllegalCharacterError:  # characters a spreadsheet cannot hold
        assume(False)
    report = run_import(buffer.getvalue(), ImportOptions(filename="t.xlsx", dry_run=True))
    for problem in report.errors + report.warnings:
        assert problem.message
