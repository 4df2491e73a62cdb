"""Importing the files the centres keep: CSV (Windows-1252, semicolons, French headers and
numbers), XLSX, ODS, uMap and GoGoCarto exports; all or nothing; re-imports."""

import io

import pytest
from django.core.management import CommandError, call_command

from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.imports.mapping import parse_explicit_mapping
from pepites.initiatives.imports.report import CREATE, DUPLICATE, INVALID, UNCHANGED, UPDATE
from pepites.initiatives.imports.rows import auto_ref
from pepites.initiatives.models import Initiative, InitiativeStatus, LocationStatus
from tests.initiatives import import_files as files
from tests.initiatives.helpers import new_initiative
from tests.territories.fake_ban import FakeBan


@pytest.fixture(autouse=True)
def fake_ban(settings):
    """Every import test geocodes against a local stand-in of the BAN, never the internet."""
    server = FakeBan().start()
    settings.GEOCODER_URL = server.url
    settings.GEOCODER_RETRIES = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    yield server
    server.stop()


def run(data: bytes, filename: str, **options) -> object:
    return run_import(data, ImportOptions(filename=filename, **options))


def problems_by_title(report) -> dict[str, list[tuple[str, str]]]:
    """{title: [(column letter, message)]} of the rows in error."""
    found = {}
    for row in report.rows:
        if row.errors:
            found.setdefault(row.title, []).extend(
                (p.column.split(" ")[0], p.message) for p in row.errors
            )
    return found


MESSY = {
    "csv": lambda: files.csv_bytes(files.table(files.messy_rows())),
    "xlsx": lambda: files.xlsx_bytes(files.table(files.messy_rows())),
    "ods": lambda: files.ods_bytes(files.table(files.messy_rows())),
}
CLEAN = {
    "csv": lambda: files.csv_bytes(files.table(files.GOOD_ROWS)),
    "xlsx": lambda: files.xlsx_bytes(files.table(files.GOOD_ROWS)),
    "ods": lambda: files.ods_bytes(files.table(files.GOOD_ROWS)),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_every_bad_row_is_reported_precisely_and_nothing_is_imported(reference_data, fmt):
    before = Initiative.objects.count()
    report = run(MESSY[fmt](), f"recensement.{fmt}")
    assert not report.committed
    assert Initiative.objects.count() == before
    found = problems_by_title(report)
    expected_titles = {row[0] for row, _column, _words in files.BAD_ROWS}
    assert set(found) == expected_titles
    for row, column, words in files.BAD_ROWS:
        problems = found[row[0]]
        assert any(c == column and words.lower() in m.lower() for c, m in problems), problems
    # One problem each: a bad postal code does not also produce a misleading commune error.
    assert all(len(problems) == 1 for problems in found.values()), found
    # The good rows are listed as what they would become.
    actions = {row.title: row.action for row in report.rows}
    assert actions["Garage solidaire de Beauval"] == CREATE
    assert "Rien n'a été importé" in report.summary()


def test_csv_details_encoding_separator_lines(reference_data):
    report = run(MESSY["csv"](), "recensement.csv")
    assert report.encoding == "windows-1252"
    assert report.delimiter == ";"
    assert report.header_line == 2  # a title line above the headers
    lines = {row.title: row.line for row in report.rows if row.action != INVALID}
    # The quoted description spans lines 4 and 5, and line 7 is empty.
    assert lines == {
        "Épicerie solidaire du Franc-Moisin": 3,
        "Garage solidaire de Beauval": 4,
        "Fabrique numérique de Montreuil": 6,
    }
    duplicate = next(r for r in report.rows if r.line == 12)
    assert "ligne 3" in duplicate.errors[0].message
    swapped = next(r for r in report.rows if r.title == "Conciergerie solidaire")
    problem = swapped.errors[0]
    assert (problem.line, problem.column, problem.field) == (10, "I (« Latitude »)", "latitude")
    assert problem.text() == (
        "ligne 10, colonne I (« Latitude »), champ « latitude » : " + problem.message
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_a_clean_file_is_imported_completely_and_reimporting_creates_nothing(reference_data, fmt):
    report = run(CLEAN[fmt](), f"recensement.{fmt}")
    assert report.committed, [p.text() for p in report.errors]
    assert report.counts[CREATE] == 3
    epicerie = Initiative.objects.get(title="Épicerie solidaire du Franc-Moisin")
    assert epicerie.porteur_name == "Association Les Paniers du Cœur"
    assert epicerie.porteur_kind == "association"
    assert epicerie.commune_id == "93066"
    assert (epicerie.latitude, epicerie.longitude) == (48.9355, 2.358)  # "48,9355"
    assert epicerie.location_status == LocationStatus.MANUAL
    assert epicerie.start_year == 2019  # "03/2019", or a date cell
    assert set(epicerie.themes.values_list("slug", flat=True)) == {"commerce-proximite", "ess"}
    assert epicerie.principal_theme.slug == "commerce-proximite"
    assert epicerie.summary.endswith("5 € le panier.")
    assert [link.url for link in epicerie.links.all()] == ["https://paniers.example.org"]
    assert epicerie.centre.slug == "profession-banlieue"  # the centre covering the commune
    assert epicerie.status == InitiativeStatus.DRAFT
    assert epicerie.source_ref == auto_ref(epicerie.title, "93066")
    garage = Initiative.objects.get(title="Garage solidaire de Beauval")
    assert garage.summary.startswith("Réparations à prix coûtant.\nPrêt de véhicules")
    assert garage.porteur_kind == "cooperative"  # "SCIC"
    assert garage.commune_id == "77288"  # Melun, 77000
    assert garage.centre is None  # no centre covers Seine-et-Marne
    fabrique = Initiative.objects.get(title="Fabrique numérique de Montreuil")
    assert [link.url for link in fabrique.links.all()] == ["https://www.fabrique.example.org"]
    assert set(fabrique.themes.values_list("slug", flat=True)) == {
        "numerique",
        "formation-qualification",
    }
    history = epicerie.history.first()
    assert "recensement" in history.history_change_reason

    count = Initiative.objects.count()
    again = run(CLEAN[fmt](), f"recensement.{fmt}")
    assert again.committed is False or again.counts[CREATE] == 0
    assert Initiative.objects.count() == count
    assert {row.action for row in again.rows} == {UNCHANGED}


def test_the_same_data_in_another_format_updates_the_same_initiatives(reference_data):
    run(CLEAN["csv"](), "recensement.csv")
    count = Initiative.objects.count()
    for fmt in ("xlsx", "ods"):
        report = run(CLEAN[fmt](), f"recensement.{fmt}")
        assert report.counts[CREATE] == 0
        assert Initiative.objects.count() == count


def test_skip_invalid_imports_the_good_rows_only(reference_data):
    report = run(MESSY["csv"](), "recensement.csv", skip_invalid=True)
    assert report.committed
    assert report.counts[CREATE] == 3
    assert report.counts[INVALID] == 5
    assert Initiative.objects.count() == 3


def test_dry_run_writes_nothing(reference_data):
    report = run(CLEAN["csv"](), "recensement.csv", dry_run=True)
    assert report.counts[CREATE] == 3
    assert not report.committed
    assert Initiative.objects.count() == 0
    assert "Simulation" in report.summary()


def test_addresses_are_geocoded_in_one_batch(reference_data, fake_ban):
    rows = [
        ["Titre", "Porteur", "Résumé", "Thème", "Adresse", "Code postal", "Ville"],
        [
            "Laverie solidaire",
            "Asso",
            "Une laverie.",
            "ESS",
            "6 rue de la République",
            "93200",
            "Saint-Denis",
        ],
        ["Garage solidaire", "Asso", "Un garage.", "Mobilité", "Rue des Lilas", "77000", "Melun"],
    ]
    report = run(files.csv_bytes(rows), "adresses.csv")
    assert report.committed
    assert fake_ban.count("/search/csv") == 1
    laverie = Initiative.objects.get(title="Laverie solidaire")
    assert (laverie.latitude, laverie.longitude) == (48.9355, 2.358)
    assert laverie.location_status == LocationStatus.FOUND
    garage = Initiative.objects.get(title="Garage solidaire")
    assert garage.latitude is None
    assert garage.location_status == LocationStatus.NOT_FOUND
    assert [r.title for r in report.unplaced] == ["Garage solidaire"]
    assert (
        "introuvable"
        in next(r for r in report.rows if r.title == "Garage solidaire").warnings[0].message.lower()
    )


def test_without_the_geocoder_rows_stay_unplaced_and_are_listed(reference_data, settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9"  # nothing listens there
    report = run(CLEAN["csv"](), "recensement.csv")
    assert report.committed
    garage = Initiative.objects.get(title="Garage solidaire de Beauval")
    assert garage.latitude is None
    assert garage.location_status == LocationStatus.UNAVAILABLE
    assert [r.title for r in report.unplaced] == ["Garage solidaire de Beauval"]


def test_geocoding_can_be_turned_off(reference_data, fake_ban):
    report = run(CLEAN["csv"](), "recensement.csv", geocode=False)
    assert fake_ban.count("/search/csv") == 0
    assert [r.title for r in report.unplaced] == ["Garage solidaire de Beauval"]


def test_an_existing_initiative_typed_by_hand_is_a_duplicate(reference_data):
    new_initiative(title="Épicerie solidaire du Franc-Moisin", commune_code="93066")
    report = run(CLEAN["csv"](), "recensement.csv")
    row = next(r for r in report.rows if r.title == "Épicerie solidaire du Franc-Moisin")
    assert row.action == DUPLICATE
    assert "Doublon probable" in row.warnings[0].message
    assert report.committed
    assert Initiative.objects.filter(title="Épicerie solidaire du Franc-Moisin").count() == 1


def test_a_similar_title_is_flagged_as_a_possible_duplicate(reference_data):
    new_initiative(title="Epicerie solidaire Franc Moisin", commune_code="93066")
    report = run(CLEAN["csv"](), "recensement.csv", dry_run=True)
    row = next(r for r in report.rows if r.title == "Épicerie solidaire du Franc-Moisin")
    assert row.action in {CREATE, DUPLICATE}
    assert any("oublon" in w.message for w in row.warnings)


def test_a_changed_row_updates_its_initiative(reference_data):
    run(CLEAN["csv"](), "recensement.csv")
    rows = [list(r) for r in files.GOOD_ROWS]
    rows[0][10] = "2020"
    rows[0][4] = "ESS"
    report = run(files.csv_bytes(files.table(rows)), "recensement.csv")
    row = next(r for r in report.rows if r.title == "Épicerie solidaire du Franc-Moisin")
    assert row.action == UPDATE
    assert set(row.changes) == {"année de démarrage", "thématiques"}
    epicerie = Initiative.objects.get(title="Épicerie solidaire du Franc-Moisin")
    assert epicerie.start_year == 2020
    assert list(epicerie.themes.values_list("slug", flat=True)) == ["ess"]
    assert epicerie.version == 2


def test_an_identifier_column_keeps_the_identity_when_the_title_changes(reference_data):
    header = ["Réf.", "Intitulé", "Structure", "Résumé", "Thème", "Code INSEE"]
    first = [header, ["A-12", "Garage solidaire", "Garage 93", "Réparer.", "Mobilité", "93066"]]
    run(files.csv_bytes(first, encoding="utf-8", delimiter=","), "a.csv")
    renamed = [
        header,
        ["A-12", "Garage solidaire et solidaire", "Garage 93", "Réparer.", "Mobilité", "93066"],
    ]
    report = run(files.csv_bytes(renamed, encoding="utf-8", delimiter=","), "a.csv")
    assert report.rows[0].action == UPDATE
    assert Initiative.objects.get().title == "Garage solidaire et solidaire"
    assert Initiative.objects.get().source_ref == "A-12"


def test_the_centre_option_and_the_status(reference_data):
    report = run(CLEAN["csv"](), "r.csv", centre_slug="labo-cites", status="publiee")
    assert report.committed
    assert set(Initiative.objects.values_list("centre__slug", flat=True)) == {"labo-cites"}
    assert set(Initiative.objects.values_list("status", flat=True)) == {"publiee"}
    assert Initiative.objects.filter(published_at__isnull=True).count() == 0


def test_an_unknown_centre_option_is_a_file_error(reference_data):
    report = run(CLEAN["csv"](), "r.csv", centre_slug="nulle-part")
    assert report.has_file_errors
    assert not report.rows


def test_a_member_imports_for_their_centre_only(reference_data, people):
    report = run(CLEAN["csv"](), "r.csv", user=people.member)
    # Saint-Denis and Montreuil are Profession Banlieue's; Meaux is no centre's.
    refused = [r for r in report.rows if r.errors]
    assert [r.title for r in refused] == ["Garage solidaire de Beauval"]
    assert "équipe nationale" in refused[0].errors[0].message
    assert not report.committed
    ok = run(CLEAN["csv"](), "r.csv", user=people.member, centre_slug="profession-banlieue")
    assert ok.committed
    assert Initiative.objects.count() == 3
    assert Initiative.objects.first().history.first().history_user == people.member


def test_explicit_mapping_for_what_cannot_be_guessed(reference_data):
    rows = [
        ["Quoi", "Qui", "Texte", "Case", "Où"],
        ["Laverie solidaire", "Asso Lave", "Une laverie.", "Innovation sociale", "93066"],
    ]
    data = files.csv_bytes(rows, encoding="utf-8")
    report = run(data, "a.csv", dry_run=True)
    assert report.has_file_errors
    mapping = parse_explicit_mapping(
        ["Quoi=titre", "Qui=porteur", "C=resume", "Case=thematiques", "Où=code_commune"]
    )
    report = run(data, "a.csv", mapping=mapping)
    assert report.committed, [p.text() for p in report.errors]
    assert Initiative.objects.get().title == "Laverie solidaire"


def test_french_synonyms_and_department_names(reference_data):
    rows = [
        [
            "N°",
            "Intitulé de l'action",
            "Porteur(e)",
            "Descriptif",
            "Thématiques",
            "Commune",
            "Département",
        ],
        [
            "1",
            "Job dating",
            "Mission locale",
            "Rencontres.",
            "Emploi",
            "Saint-Denis",
            "Seine-Saint-Denis",
        ],
        ["2", "Atelier vélo", "Vélo 974", "Réparer.", "Mobilité", "Saint-Denis", "974"],
    ]
    report = run(files.csv_bytes(rows, encoding="utf-8"), "a.csv")
    assert report.committed, [p.text() for p in report.errors]
    assert dict(Initiative.objects.values_list("title", "commune_id")) == {
        "Job dating": "93066",
        "Atelier vélo": "97411",
    }


def test_umap_export_with_the_commune_found_from_the_point(reference_data, fake_ban):
    report = run(files.umap_bytes(), "carte.umap")
    assert report.format == "uMap"
    assert report.committed, [p.text() for p in report.errors]
    assert fake_ban.count("/reverse") == 3
    chantier = Initiative.objects.get(title="Chantier d'insertion des Coteaux")
    assert chantier.commune_id == "93066"
    assert chantier.principal_theme.slug == "emploi-insertion"  # the layer "Emploi"
    assert chantier.porteur_name == chantier.title
    assert [(link.url, link.label) for link in chantier.links.all()] == [
        ("https://coteaux.example.org", "Site du chantier")
    ]
    assert Initiative.objects.get(title="Point de médiation numérique").principal_theme.slug == (
        "numerique"
    )
    assert run(files.umap_bytes(), "carte.umap").counts[CREATE] == 0


@pytest.mark.parametrize(
    ("data", "name"),
    [(files.gogocarto_json_bytes, "gogocarto.json"), (files.gogocarto_csv_bytes, "export.csv")],
)
def test_gogocarto_exports(reference_data, data, name):
    report = run(data(), name)
    assert report.committed, [p.text() for p in report.errors]
    ressourcerie = Initiative.objects.get(title="Ressourcerie du Canal")
    assert ressourcerie.source_ref == "Xy1"
    assert set(ressourcerie.themes.values_list("slug", flat=True)) == {"ess", "emploi-insertion"}
    assert ressourcerie.commune_id == "93066"
    # No consent to publish the contact: not imported, and said so.
    assert ressourcerie.contact_email == ""
    # The JSON and the CSV of the same map are the same initiatives.
    other = files.gogocarto_csv_bytes if name.endswith("json") else files.gogocarto_json_bytes
    assert run(other(), "other").counts[CREATE] == 0


def test_a_long_description_is_kept_whole(reference_data):
    text = "Une phrase assez longue pour remplir le résumé. " * 20
    rows = [
        ["Titre", "Porteur", "Description", "Thème", "Code INSEE"],
        ["Long", "P", text, "ESS", "93066"],
    ]
    report = run(files.csv_bytes(rows, encoding="utf-8"), "a.csv")
    assert report.committed
    initiative = Initiative.objects.get()
    assert len(initiative.summary) <= 600 and initiative.summary.endswith("…")
    assert initiative.context == text.strip()


def test_unreadable_files_are_reported_not_raised(reference_data):
    for data, name in [
        (b"", "vide.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "vieux.xls"),
        (b"PK\x03\x04garbage", "casse.xlsx"),
        (b'{"type": "Nope"}', "x.json"),
        (b'{"type": "FeatureCollection", "features": [', "x.geojson"),
    ]:
        report = run(data, name)
        assert report.has_file_errors, name
        assert not report.committed


def test_the_command_reports_and_fails_on_errors(reference_data, tmp_path):
    path = tmp_path / "recensement.csv"
    path.write_bytes(MESSY["csv"]())
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_initiatives", str(path), "--no-geocode", stdout=out, stderr=err)
    text = out.getvalue()
    assert "ligne 8, colonne E (« Thématique(s) »)" in text
    assert "Rien n'a été importé" in str(failure.value)
    assert "Vérification des lignes" in err.getvalue()  # the progress bar
    assert Initiative.objects.count() == 0


def test_the_command_imports(reference_data, tmp_path):
    path = tmp_path / "recensement.ods"
    path.write_bytes(CLEAN["ods"]())
    out = io.StringIO()
    call_command(
        "import_initiatives",
        str(path),
        "--centre",
        "profession-banlieue",
        "--status",
        "publiee",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "3 initiatives créées" in out.getvalue()
    assert Initiative.objects.filter(status="publiee").count() == 3
    out = io.StringIO()
    call_command("import_initiatives", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "3 inchangées" in out.getvalue()


def test_the_command_refuses_a_bad_mapping(reference_data, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(CLEAN["csv"]())
    with pytest.raises(CommandError, match="Champ « nimporte » inconnu"):
        call_command("import_initiatives", str(path), "--map", "Titre=nimporte")
