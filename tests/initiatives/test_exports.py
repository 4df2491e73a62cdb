"""Open data exports: CSV against its Table Schema, XLSX and GeoJSON, the files published
with the code, and the round trip export → import on the demonstration data."""

import csv
import io
import json
import re
import uuid

import pytest
from django.core.management import call_command

from pepites.initiatives import exports
from pepites.initiatives.demo import load_demo
from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.imports.readers import read_table
from pepites.initiatives.imports.report import CREATE, UNCHANGED
from pepites.initiatives.models import Initiative, InitiativeStatus
from tests.initiatives.helpers import new_initiative


def export_bytes(fmt: str, filters=None) -> bytes:
    initiatives = exports.iter_initiatives(exports.export_queryset(filters=filters))
    info = exports.export_info(filters=filters)
    buffer = io.BytesIO()
    if fmt == "csv":
        exports.write_csv(initiatives, buffer)
    elif fmt == "xlsx":
        exports.write_xlsx(initiatives, buffer, info=info)
    else:
        for chunk in exports.iter_geojson(initiatives, info=info):
            buffer.write(chunk.encode())
    return buffer.getvalue()


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def check_against_schema(rows: list[dict[str, str]], schema: dict) -> None:
    """A small Table Schema validator: types, required, unique, enum, pattern, bounds."""
    fields = {f["name"]: f for f in schema["fields"]}
    seen: dict[str, set] = {name: set() for name in fields}
    for number, row in enumerate(rows, start=2):
        assert list(row) == list(fields), "columns and their order follow the schema"
        for name, value in row.items():
            spec, constraints = fields[name], fields[name].get("constraints", {})
            where = f"ligne {number}, {name} = {value!r}"
            if value == "":
                assert not constraints.get("required"), where
                continue
            kind = spec["type"]
            if kind == "integer":
                number_value = int(value)
            elif kind == "number":
                number_value = float(value)
            elif kind == "boolean":
                assert value in spec["trueValues"] + spec["falseValues"], where
            elif kind == "datetime":
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value), where
            if spec.get("format") == "uuid":
                uuid.UUID(value)
            if spec.get("format") == "uri":
                assert value.startswith(("http://", "https://")), where
            if kind in {"integer", "number"}:
                assert (
                    constraints.get("minimum", -1e18)
                    <= number_value
                    <= constraints.get("maximum", 1e18)
                ), where
            if "enum" in constraints:
                assert value in constraints["enum"], where
            if "pattern" in constraints:
                assert re.fullmatch(constraints["pattern"], value), where
            if "maxLength" in constraints:
                assert len(value) <= constraints["maxLength"], where
            if constraints.get("unique"):
                assert value not in seen[name], where
                seen[name].add(value)


@pytest.fixture
def published(reference_data):
    a = new_initiative(
        title="Épicerie, « solidaire »",
        summary='Sur deux lignes ;\navec des "guillemets", des virgules et un =SOMME(A1).',
        latitude=48.9355,
        longitude=2.358,
        status=InitiativeStatus.PUBLISHED,
        start_year=2019,
        links=[("https://a.example.org", "Le site"), ("https://b.example.org", "")],
        contact_name="Awa",
        contact_email="awa@example.org",
        contact_consent=True,
    )
    b = new_initiative(
        title="Garage de Lyon",
        commune_code="69388",
        theme_slugs=["mobilite"],
        status=InitiativeStatus.PUBLISHED,
    )
    new_initiative(title="Un brouillon")
    return [a, b]


def test_the_csv_follows_its_table_schema(published):
    rows = csv_rows(export_bytes("csv"))
    assert [r["titre"] for r in rows] == ["Garage de Lyon", "Épicerie, « solidaire »"]
    check_against_schema(rows, exports.table_schema())
    epicerie = rows[1]
    assert epicerie["thematiques"] == "commerce-proximite ; entrepreneuriat"
    assert epicerie["liens"] == "https://a.example.org Le site\nhttps://b.example.org"
    assert epicerie["en_cours"] == "oui" and epicerie["demonstration"] == "non"
    assert epicerie["contact_courriel"] == "awa@example.org"
    assert epicerie["latitude"] == "48.9355"
    assert rows[0]["latitude"] == ""  # not placed


def test_contacts_without_consent_are_never_exported(published):
    Initiative.objects.filter(pk=published[0].pk).update(contact_consent=False)
    rows = csv_rows(export_bytes("csv"))
    assert all(r["contact_courriel"] == "" and r["contact_nom"] == "" for r in rows)


def test_the_published_schema_and_dictionary_are_up_to_date():
    assert exports.SCHEMA_FILE.read_text(encoding="utf-8") == exports.schema_text(), (
        "pepites export_initiatives --write-schema"
    )
    assert exports.DICTIONARY_FILE.read_text(encoding="utf-8") == exports.dictionary_markdown()


def test_filters_are_the_maps(published):
    rows = csv_rows(export_bytes("csv", {"themes": ["mobilite"]}))
    assert [r["titre"] for r in rows] == ["Garage de Lyon"]
    rows = csv_rows(export_bytes("csv", {"departement": "93"}))
    assert [r["titre"] for r in rows] == ["Épicerie, « solidaire »"]


def test_xlsx_has_the_data_the_dictionary_and_the_licence(published):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(export_bytes("xlsx")))
    assert workbook.sheetnames == ["Initiatives", "Dictionnaire", "À propos", "Résultats chiffrés"]
    sheet = workbook["Initiatives"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == exports.COLUMN_NAMES
    summary = rows[2][exports.COLUMN_NAMES.index("resume")]
    assert "=SOMME(A1)" in summary
    assert sheet.cell(row=3, column=exports.COLUMN_NAMES.index("resume") + 1).data_type == "s"
    about = dict(workbook["À propos"].iter_rows(values_only=True))
    assert about["Licence"].startswith("Licence Ouverte / Open Licence version 2.0")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", about["Date de l'export"])


def test_geojson_has_points_licence_and_date(published):
    document = json.loads(export_bytes("geojson"))
    assert document["type"] == "FeatureCollection"
    assert document["licence"]["name"] == "etalab-2.0"
    assert document["date"].endswith("Z")
    by_title = {f["properties"]["titre"]: f for f in document["features"]}
    assert by_title["Épicerie, « solidaire »"]["geometry"] == {
        "type": "Point",
        "coordinates": [2.358, 48.9355],
    }
    assert by_title["Garage de Lyon"]["geometry"] is None
    assert "latitude" not in by_title["Garage de Lyon"]["properties"]


def test_the_command_writes_every_format(published, tmp_path):
    for fmt in ("csv", "xlsx", "geojson"):
        path = tmp_path / f"export.{fmt}"
        call_command("export_initiatives", "--format", fmt, "-o", str(path))
        assert read_table(path.read_bytes(), filename=path.name).rows


# --- Round trip on the demonstration data ----------------------------------------------------

# Columns that name the record rather than its content: they change when the same content is
# created again (new uid and page, new dates, the import's own reference).
IDENTITY_COLUMNS = {"uid", "url", "date_publication", "date_modification", "reference_origine"}


def content(data: bytes, fmt: str) -> list[dict]:
    """The rows of an export as comparable values, in a stable order."""
    if fmt == "geojson":
        document = json.loads(data)
        rows = []
        for feature in document["features"]:
            row = {k: ("" if v is None else v) for k, v in feature["properties"].items()}
            point = feature["geometry"]["coordinates"] if feature["geometry"] else ["", ""]
            row["longitude"], row["latitude"] = point
            rows.append(row)
    elif fmt == "xlsx":
        table = read_table(data, filename="x.xlsx")
        header = table.rows[0].cells
        rows = [
            {
                h: ("" if v is None else v)
                for h, v in zip(header, row.cells + [None] * len(header), strict=False)
            }
            for row in table.rows[1:]
        ]
    else:
        rows = csv_rows(data)
    # "inspiree_de" names other rows by uid, new in a new database: compared by their title.
    titles = {str(row["uid"]): str(row["titre"]) for row in rows}
    for row in rows:
        uids = [uid for uid in str(row.get("inspiree_de") or "").split(" ; ") if uid]
        row["inspiree_de"] = " ; ".join(sorted(titles.get(uid, uid) for uid in uids))
    cleaned = [{k: str(v) for k, v in row.items() if k not in IDENTITY_COLUMNS} for row in rows]
    return sorted(cleaned, key=lambda r: (r["titre"], r["code_commune"]))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_export_import_round_trip_on_the_demonstration_data(full_reference_data, fmt):
    load_demo()
    published = Initiative.objects.filter(status=InitiativeStatus.PUBLISHED).count()
    assert published > 30
    data = export_bytes(fmt)
    before = content(data, fmt)
    assert len(before) == published

    # Into the same database: every row is recognised, nothing is created or changed.
    report = run_import(data, ImportOptions(filename=f"export.{fmt}", geocode=False))
    assert [p.text() for p in report.errors] == []
    assert report.counts[UNCHANGED] == published
    assert Initiative.objects.count() == 38

    # Into a database without them: the same data again.
    Initiative.objects.all().delete()
    report = run_import(data, ImportOptions(filename=f"export.{fmt}", geocode=False))
    assert report.committed, [p.text() for p in report.errors]
    assert report.counts[CREATE] == published
    after = content(export_bytes(fmt), fmt)
    assert after == before


FORMULAS = [
    '=HYPERLINK("http://example.org","clic")',
    "+33 1 23 45 67 89",
    "-moins",
    "@SOMME(A1)",
    "\tTabulation",
    "\rRetour",
    "'=déjà une apostrophe",
]


@pytest.fixture
def formulas(reference_data):
    return [
        new_initiative(
            title=f"{value} {n}",
            summary=value,
            porteur_name=value,
            latitude=16.25,
            longitude=-61.58,
            commune_code="97101",
            theme_slugs=["mobilite"],
            status=InitiativeStatus.PUBLISHED,
        )
        for n, value in enumerate(FORMULAS)
    ]


def test_every_formula_prefix_is_neutralised_in_the_open_data_csv(client, formulas):
    response = client.get("/donnees/initiatives.csv")
    assert response.status_code == 200
    rows = csv_rows(b"".join(response.streaming_content))
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for name in ("titre", "resume", "porteur"):
            assert row[name].startswith("'"), (name, row[name])
            assert row[name][1:] in {*FORMULAS, *(f"{v} {n}" for n, v in enumerate(FORMULAS))}
        assert row["longitude"] == "-61.58"  # a number, not text: left as it is
    assert {row["resume"] for row in rows} == {"'" + value for value in FORMULAS}


def test_xlsx_and_geojson_keep_the_exact_text(formulas):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export_bytes("xlsx")), read_only=True).worksheets[0]
    header, *cells = list(sheet.values)
    summaries = {dict(zip(header, row, strict=True))["resume"] for row in cells}
    # XML reads a lone CR as a line end: the only change, and not a formula.
    assert summaries == {value.replace("\r", "\n") for value in FORMULAS}
    features = json.loads(export_bytes("geojson"))["features"]
    assert {f["properties"]["resume"] for f in features} == set(FORMULAS)


def test_our_csv_export_imports_back_to_the_exact_text(formulas):
    data = export_bytes("csv")
    # The importer trims the spaces around every cell (tab and CR included), as for any
    # spreadsheet: those two come back trimmed, every other text exactly.
    before = sorted(
        tuple(value.strip() for value in values)
        for values in Initiative.objects.values_list("title", "summary", "porteur_name")
    )
    assert ("'=déjà une apostrophe 6", "'=déjà une apostrophe", "'=déjà une apostrophe") in before
    Initiative.objects.all().delete()
    report = run_import(data, ImportOptions(filename="export.csv", geocode=False))
    assert report.committed, [p.text() for p in report.errors]
    after = sorted(Initiative.objects.values_list("title", "summary", "porteur_name"))
    assert after == before
