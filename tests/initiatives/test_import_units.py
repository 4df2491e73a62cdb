"""The pieces of the import: readers, header matcher, value parsers, look-ups."""

import codecs
from datetime import date, datetime

import pytest

from pepites.core.errors import ImportFileError
from pepites.initiatives.imports import values
from pepites.initiatives.imports.fields import FIELDS
from pepites.initiatives.imports.mapping import (
    HEADER_INDEX,
    column_letter,
    match_header,
    normalise_header,
)
from pepites.initiatives.imports.readers import read_table
from pepites.initiatives.imports.readers.delimited import detect_delimiter
from pepites.initiatives.imports.references import (
    CommuneIndex,
    PlaceProblem,
    ThemeIndex,
    in_france,
)
from pepites.initiatives.imports.values import ValueProblem
from tests.initiatives import import_files as files

# --- Readers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Titre;Ville\r\nÉpicerie;Saint-Denis\r\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Titre;Ville\r\nÉpicerie;Saint-Denis\r\n".encode(), "utf-8-sig"),
        ("Titre;Ville\r\nÉpicerie;Saint-Denis\r\n".encode("cp1252"), "windows-1252"),
        ("Titre\tVille\r\nÉpicerie\tSaint-Denis\r\n".encode("utf-16"), "utf-16"),
    ],
)
def test_csv_encodings(data, encoding):
    table = read_table(data, filename="a.csv")
    assert table.encoding == encoding
    assert table.rows[1].cells == ["Épicerie", "Saint-Denis"]


def test_windows_1252_letters_beyond_latin_1():
    table = read_table("Titre;Note\r\nCœur;5 €\r\n".encode("cp1252"), filename="a.csv")
    assert table.rows[1].cells == ["Cœur", "5 €"]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_detection_despite_commas_in_text(delimiter):
    text = delimiter.join(["Titre", "Description", "Ville"]) + "\r\n"
    text += delimiter.join(['"A"', '"Un, deux, trois, quatre"', "Lyon"]) + "\r\n"
    text += delimiter.join(["B", '"Cinq, six"', "Nantes"]) + "\r\n"
    assert detect_delimiter(text) == delimiter


def test_undecodable_bytes_say_where():
    data = b"Titre;Ville\r\nA;B\r\nC\x81;D\r\n"
    with pytest.raises(ImportFileError) as error:
        read_table(data, filename="a.csv")
    assert error.value.line == 3
    assert "UTF-8" in error.value.message


def test_an_unclosed_quote_is_reported():
    data = ('Titre;Description\r\n"A;"' + "x" * 200_000 + "\r\n").encode()
    with pytest.raises(ImportFileError, match="guillemet"):
        read_table(data, filename="a.csv")


def test_ods_repeated_rows_and_cells():
    table = read_table(files.ods_bytes(files.table(files.GOOD_ROWS)), filename="a.ods")
    assert table.sheet == "Initiatives 2024"
    assert [row.line for row in table.rows] == [1, 2, 3, 4, 5]
    assert table.rows[3].cells[3].startswith("Réparations à prix coûtant.\nPrêt")
    assert table.rows[2].cells[6] == 93200  # a number cell
    assert table.rows[2].cells[10] == date(2019, 3, 1)  # a date cell


def test_xlsx_types_and_sheet_choice():
    data = files.xlsx_bytes(files.table(files.GOOD_ROWS))
    table = read_table(data, filename="a.xlsx")
    assert table.rows[2].cells[8] == 48.9355
    assert isinstance(table.rows[2].cells[10], datetime)
    with pytest.raises(ImportFileError, match="Feuille « Autre » introuvable"):
        read_table(data, filename="a.xlsx", sheet="Autre")


def test_json_errors_say_line_and_column():
    with pytest.raises(ImportFileError) as error:
        read_table(b'{"type": "FeatureCollection",\n "features": [}', filename="a.geojson")
    assert (error.value.line, error.value.column) == (2, 15)


def test_geojson_polygons_give_a_point_inside():
    data = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        b'{"nom": "Parc"}, "geometry": {"type": "Polygon", "coordinates": '
        b"[[[2.0, 48.0], [2.2, 48.0], [2.2, 48.2], [2.0, 48.2], [2.0, 48.0]]]}}]}"
    )
    table = read_table(data, filename="a.geojson")
    record = dict(zip(table.headers, table.rows[0].cells, strict=True))
    assert 2.0 < record["longitude"] < 2.2 and 48.0 < record["latitude"] < 48.2


# --- Header matcher ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nom du projet", "title"),
        ("Intitulé", "title"),
        ("INTITULE DU PROJET", "title"),
        ("Porteur de projet", "porteur_name"),
        ("Structure", "porteur_name"),
        ("Structure porteuse *", "porteur_name"),
        ("Code postal", "postcode"),
        ("CP", "postcode"),
        ("Ville", "commune_name"),
        ("Thématique(s)", "themes"),
        ("Thèmes", "themes"),
        ("Catégories", "themes"),
        ("Thématique principale", "principal_theme"),
        ("Code INSEE", "commune_code"),
        ("Année de démarrage", "start_year"),
        ("Date de début (mm/aaaa)", "start_year"),
        ("E-mail", "contact_email"),
        ("Courriel :", "contact_email"),
        ("Site internet", "links"),
        ("streetAddress", "address"),
        ("addressLocality", "commune_name"),
        ("postalCode", "postcode"),
        ("Résultats obtenus", "results"),
        ("Thématque", "themes"),  # a typo
        ("N°", "ref"),
    ],
)
def test_headers_as_people_write_them(header, field):
    assert match_header(header)[0] == field


def test_every_export_column_name_maps_to_its_field():
    for f in FIELDS:
        assert HEADER_INDEX[normalise_header(f.name)] == f.key, f.name


def test_unknown_headers_stay_unknown():
    for header in ("Commentaires internes", "Colonne1", "", "Date de la dernière relance"):
        assert match_header(header)[0] is None


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


# --- Values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45,75", 45.75),
        ("45.75", 45.75),
        ("1 234,5", 1234.5),
        ("1.234,5", 1234.5),
        (7, 7.0),
        ("-0,5", -0.5),
    ],
)
def test_french_numbers(raw, expected):
    assert values.decimal(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1,2,3", "", True, float("nan"), "12 €"])
def test_bad_numbers(raw):
    with pytest.raises(ValueProblem):
        values.decimal(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019", 2019),
        ("03/2019", 2019),
        ("mars 2019", 2019),
        ("01/03/2019", 2019),
        ("2019-03-01", 2019),
        (date(2019, 3, 1), 2019),
        (2019.0, 2019),
        (43525, 2019),  # a date cell read as its serial number
    ],
)
def test_french_dates_give_a_year(raw, expected):
    assert values.year(raw) == expected


@pytest.mark.parametrize("raw", ["2019 ou 2020", "bientôt", "1850", 12])
def test_bad_years(raw):
    with pytest.raises(ValueProblem):
        values.year(raw)


def test_booleans_postcodes_and_kinds():
    assert values.boolean("Oui") is True and values.boolean("terminé") is False
    assert values.postcode(1000) == "01000" and values.postcode("93 200") == "93200"
    with pytest.raises(ValueProblem, match="5 chiffres"):
        values.postcode("932000")
    assert values.commune_code("2a004") == "2A004"
    assert values.porteur_kind("SCOP") == "cooperative"
    assert values.porteur_kind("Association Ville et Quartiers") == "association"
    assert values.porteur_kind("Bailleur social") == "bailleur"
    with pytest.raises(ValueProblem):
        values.porteur_kind("Régie")


def test_links_and_coordinates():
    assert values.links("https://a.fr Site\nwww.b.fr") == [
        ("https://a.fr", "Site"),
        ("https://www.b.fr", ""),
    ]
    with pytest.raises(ValueProblem):
        values.links("voir le site")
    assert values.coordinates("48,9355 ; 2,358") == (48.9355, 2.358)
    assert values.coordinates("48.9355, 2.358") == (48.9355, 2.358)
    assert values.coordinates("48.9355 2.358") == (48.9355, 2.358)
    assert in_france(48.9, 2.3) and in_france(-21.1, 55.5) and not in_france(2.3, 48.9)


def test_umap_markup():
    text, links = values.umap_markup("Un **chantier** {{https://i.png}}\n[[https://a.fr|Le site]]")
    assert text == "Un chantier\nLe site"
    assert links == [("https://a.fr", "Le site")]


# --- Look-ups ---------------------------------------------------------------------------------


def test_themes_by_label_slug_word_and_typo(reference_data):
    themes = ThemeIndex()
    assert themes.match("Commerce de proximité ; ESS") == (["commerce-proximite", "ess"], [])
    assert themes.match("Emploi, Numérique") == (["emploi-insertion", "numerique"], [])
    assert themes.match("Entreprises et quartiers (RSE, mécénat, parrainage)") == (
        ["entreprises-quartiers"],
        [],
    )
    assert themes.match("Création d'entreprise") == (["entrepreneuriat"], [])
    assert themes.match("Numerque") == (["numerique"], [])
    assert themes.match("Économie circulaire") == ([], ["Économie circulaire"])


def test_communes(reference_data):
    communes = CommuneIndex()
    assert communes.resolve(code="93066").name == "Saint-Denis"
    assert communes.resolve(name="Saint-Denis", postcode="93200").code == "93066"
    assert communes.resolve(name="St Denis", departement="974").code == "97411"
    assert communes.resolve(name="Montreuil").code == "93048"
    with pytest.raises(PlaceProblem, match="Plusieurs communes") as ambiguous:
        communes.resolve(name="Saint-Denis")
    assert ambiguous.value.key == "commune_name"
    with pytest.raises(PlaceProblem, match="n'a pas le code postal") as wrong:
        communes.resolve(name="Montreuil", postcode="93200")
    assert wrong.value.key == "postcode"
    with pytest.raises(PlaceProblem, match="n'existe pas"):
        communes.resolve(postcode="99999")
    assert communes.departement("Seine-Saint-Denis") == "93"
