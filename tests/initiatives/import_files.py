"""Files made to look like what the centres keep: the same table as CSV (Windows-1252,
semicolons, French headers and numbers), XLSX and ODS; a uMap export and GoGoCarto exports.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

HEADERS = [
    "Nom du projet",
    "Porteur de projet",
    "Type de structure",
    "Description",
    "Thématique(s)",
    "Adresse",
    "Code postal",
    "Ville",
    "Latitude",
    "Longitude",
    "Année de démarrage",
    "Site web",
]
TITLE_LINE = ["Recensement des initiatives — Profession Banlieue (état au 12/03/2024)"]

GOOD_ROWS = [
    [
        "Épicerie solidaire du Franc-Moisin",
        "Association Les Paniers du Cœur",
        "Association loi 1901",
        "Une épicerie solidaire au cœur du quartier : produits à 30 % du prix, 5 € le panier.",
        "Commerce de proximité ; ESS",
        "6 rue de la République",
        "93200",
        "Saint-Denis",
        "48,9355",
        "2,358",
        "03/2019",
        "https://paniers.example.org",
    ],
    [
        "Garage solidaire de Beauval",
        "Garage Solidaire 77",
        "SCIC",
        "Réparations à prix coûtant.\nPrêt de véhicules pour les entretiens d'embauche ; "
        "accompagnement « mobilité ».",
        "Mobilité",
        "Rue des Lilas",
        "77000",
        "Melun",
        "",
        "",
        "2021",
        "",
    ],
    [
        "Fabrique numérique de Montreuil",
        "La Fabrique",
        "Association",
        "Un atelier de fabrication numérique ouvert aux jeunes du quartier.",
        "Numérique, Formation et qualification",
        "",
        "93100",
        "Montreuil",
        "48,8638",
        "2,4485",
        "2018",
        "www.fabrique.example.org",
    ],
]
# Each bad row, with what the report must say: (title, column letter, words of the message).
BAD_ROWS = [
    (
        [
            "Ferme urbaine des Tilleuls",
            "Les Jardins du Canal",
            "Association",
            "Des potagers en pied d'immeuble.",
            "Agriculture urbaine",
            "",
            "93200",
            "Saint-Denis",
            "48,93",
            "2,36",
            "2020",
            "",
        ],
        "E",
        "Thématique inconnue",
    ),
    (
        [
            "Couveuse d'activités du Plateau",
            "Coopérative du Plateau",
            "Coopérative",
            "Tester son activité sans risque.",
            "Entrepreneuriat",
            "",
            "932000",
            "Saint-Denis",
            "",
            "",
            "2017",
            "",
        ],
        "G",
        "Code postal",
    ),
    (
        [
            "Conciergerie solidaire",
            "Régie de quartier",
            "Association",
            "Des services aux habitants et aux salariés.",
            "Innovation sociale",
            "",
            "93200",
            "Saint-Denis",
            "2,358",
            "48,9355",
            "2016",
            "",
        ],
        "I",
        "inversées",
    ),
    (
        [
            "Club d'entreprises du bassin",
            "Club Entreprendre",
            "Entreprise",
            "Des entreprises engagées pour l'emploi des habitants.",
            "Entreprises et quartiers (RSE, mécénat, parrainage)",
            "",
            "93200",
            "Saint-Denis",
            "40,7128",
            "-74,006",
            "2015",
            "",
        ],
        "I",
        "hors de France",
    ),
    (list(GOOD_ROWS[0]), "A", "double"),
]


def table(rows: list[list], *, empty_line: bool = True) -> list[list]:
    """The title line, the headers, then the rows, with an empty line after the first three."""
    out = [TITLE_LINE, HEADERS]
    for index, row in enumerate(rows):
        if empty_line and index == 3:
            out.append([])
        out.append(row)
    return out


def messy_rows() -> list[list]:
    return [*GOOD_ROWS, *[row for row, _column, _words in BAD_ROWS]]


def csv_bytes(rows: list[list], *, encoding: str = "cp1252", delimiter: str = ";") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def _typed(value: str, column: int):
    """What a spreadsheet holds: numbers as numbers, postal codes as integers, dates."""
    if value == "":
        return None
    if column in (8, 9):
        return float(value.replace(",", "."))
    if column == 6 and value.isdigit():
        return int(value)
    if column == 10 and "/" in value:
        month, year = value.split("/")
        return date(int(year), int(month), 1)
    return value


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Initiatives 2024"
    for line, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            typed = _typed(value, column) if line > 2 else value
            if typed is not None:
                sheet.cell(row=line, column=column + 1, value=typed)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_bytes(rows: list[list]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import LineBreak, P

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Initiatives 2024")
    for line, row in enumerate(rows, start=1):
        table_row = TableRow()
        for column, value in enumerate(row):
            typed = _typed(value, column) if line > 2 else value
            if typed is None:
                table_row.addElement(TableCell())
            elif isinstance(typed, float | int):
                cell = TableCell(valuetype="float", value=typed)
                cell.addElement(P(text=str(typed)))
                table_row.addElement(cell)
            elif isinstance(typed, date):
                cell = TableCell(valuetype="date", datevalue=typed.isoformat())
                cell.addElement(P(text=typed.strftime("%d/%m/%Y")))
                table_row.addElement(cell)
            else:
                cell = TableCell(valuetype="string")
                paragraph = P()
                for index, part in enumerate(str(typed).split("\n")):
                    if index:
                        paragraph.addElement(LineBreak())
                    paragraph.addText(part)
                cell.addElement(paragraph)
                table_row.addElement(cell)
        sheet.addElement(table_row)
    # What LibreOffice writes at the end of a sheet: a million repeated empty rows.
    sheet.addElement(TableRow(numberrowsrepeated=1_048_000))
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def umap_bytes() -> bytes:
    """A whole uMap map as its "export" menu saves it: two layers named after themes,
    points only (the commune comes from the point)."""

    def feature(name: str, description: str, lon: float, lat: float) -> dict:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "name": name,
                "description": description,
                "_umap_options": {"color": "DarkGreen", "iconClass": "Drop"},
            },
        }

    document = {
        "type": "umap",
        "uri": "https://umap.example.org/fr/map/initiatives-93_1234",
        "properties": {"name": "Initiatives du 93", "zoom": 12, "licence": {"name": "ODbL"}},
        "geometry": {"type": "Point", "coordinates": [2.36, 48.93]},
        "layers": [
            {
                "type": "FeatureCollection",
                "features": [
                    feature(
                        "Chantier d'insertion des Coteaux",
                        "Un chantier d'insertion **espaces verts**.\n[[https://coteaux.example.org|Site du chantier]]",
                        2.358,
                        48.9355,
                    ),
                    feature(
                        "Job dating au pied des tours",
                        "Des recrutements au pied des immeubles.",
                        2.3601,
                        48.9361,
                    ),
                ],
                "_umap_options": {"displayOnLoad": True, "name": "Emploi", "color": "Red"},
            },
            {
                "type": "FeatureCollection",
                "features": [
                    feature(
                        "Point de médiation numérique",
                        "Accompagnement aux démarches en ligne.",
                        2.3555,
                        48.934,
                    )
                ],
                "_umap_options": {"displayOnLoad": True, "name": "Numérique"},
            },
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


GOGOCARTO_ELEMENTS = [
    {
        "id": "Xy1",
        "name": "Ressourcerie du Canal",
        "geo": {"latitude": 48.9355, "longitude": 2.358},
        "sourceKey": "gogocarto",
        "address": {
            "streetAddress": "6 rue de la République",
            "addressLocality": "Saint-Denis",
            "postalCode": "93200",
            "addressCountry": "FR",
        },
        "createdAt": "12/03/2023 à 10h12",
        "categories": ["Économie sociale et solidaire", "Emploi"],
        "categoriesFull": [
            {"id": 12, "name": "Économie sociale et solidaire", "index": 1},
            {"id": 14, "name": "Emploi", "index": 2},
        ],
        "description": "Collecte, réparation et revente d'objets ; emplois en insertion.",
        "email": "contact@ressourcerie.example.org",
        "website": "https://ressourcerie.example.org",
        "telephone": "01 23 45 67 89",
        "status": 1,
    },
    {
        "id": "Xy2",
        "name": "Auto-école associative",
        "geo": {"latitude": 48.8638, "longitude": 2.4485},
        "sourceKey": "gogocarto",
        "address": {
            "streetAddress": "",
            "addressLocality": "Montreuil",
            "postalCode": "93100",
            "addressCountry": "FR",
        },
        "createdAt": "02/05/2022 à 09h00",
        "categories": ["Mobilité"],
        "description": "Le permis de conduire pour les demandeurs d'emploi.",
        "status": 1,
    },
]


def gogocarto_json_bytes() -> bytes:
    document = {
        "licence": "https://opendatacommons.org/licenses/odbl/summary/",
        "ontology": "gogofull",
        "data": GOGOCARTO_ELEMENTS,
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def gogocarto_csv_bytes() -> bytes:
    """GoGoCarto's CSV export: comma separated, UTF-8, English column names."""
    columns = [
        "id",
        "name",
        "categories",
        "streetAddress",
        "addressLocality",
        "postalCode",
        "latitude",
        "longitude",
        "description",
        "website",
        "createdAt",
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for element in GOGOCARTO_ELEMENTS:
        writer.writerow(
            [
                element["id"],
                element["name"],
                ",".join(element["categories"]),
                element["address"]["streetAddress"],
                element["address"]["addressLocality"],
                element["address"]["postalCode"],
                element["geo"]["latitude"],
                element["geo"]["longitude"],
                element["description"],
                element.get("website", ""),
                element["createdAt"],
            ]
        )
    return buffer.getvalue().encode("utf-8")
