"""The licence, the Table Schema published with the files (data/schema.json) and the French
data dictionary (docs/dictionnaire-des-donnees.md), both derived from the columns.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.exports.columns import COLUMNS, FALSE, TRUE

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SCHEMA_FILE = DATA_DIR / "schema.json"
DICTIONARY_FILE = Path(settings.BASE_DIR) / "docs" / "dictionnaire-des-donnees.md"
SCHEMA_VERSION = "1.0.0"
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def table_schema() -> dict[str, Any]:
    """The Table Schema (frictionlessdata.io) of the CSV, as published in schema.json."""
    fields = []
    for column in COLUMNS:
        item: dict[str, Any] = {
            "name": column.name,
            "title": str(column.title),
            "description": str(column.description),
            "type": column.type,
        }
        if column.format:
            item["format"] = column.format
        if column.type == "boolean":
            item["trueValues"], item["falseValues"] = [TRUE], [FALSE]
        if column.example:
            item["example"] = column.example
        if column.constraints:
            item["constraints"] = dict(column.constraints)
        fields.append(item)
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": "pepites-initiatives",
        "title": str(
            _("Initiatives économiques dans et pour les quartiers prioritaires (Pépites)")
        ),
        "description": str(
            _(
                "Les initiatives publiées sur Pépites par le réseau des centres de ressources "
                "politique de la ville. CSV en UTF-8, séparateur virgule, décimales avec un "
                "point, booléens « oui »/« non », listes séparées par « ; ». Un texte qui "
                "commence par =, +, -, @, une tabulation ou un retour chariot (ou par des "
                "apostrophes suivies de l'un d'eux) est précédé d'une apostrophe, pour "
                "qu'un tableur ne l'exécute pas comme une formule ; l'import de Pépites la "
                "retire."
            )
        ),
        "countryCode": "FR",
        "version": SCHEMA_VERSION,
        "licenses": [LICENCE],
        "missingValues": [""],
        "primaryKey": "uid",
        "fields": fields,
    }


def schema_text() -> str:
    return json.dumps(table_schema(), ensure_ascii=False, indent=2) + "\n"


def dictionary_markdown() -> str:
    lines = [
        "# Dictionnaire des données : les initiatives de Pépites",
        "",
        "<!-- Généré par `pepites export_initiatives --write-schema` depuis "
        "pepites/initiatives/exports/ : ne pas modifier à la main. -->",
        "",
        "Les initiatives publiées s'exportent en CSV, XLSX et GeoJSON depuis la page "
        "« Données ouvertes » (`/donnees/`), avec les mêmes filtres que la carte, et par l'API "
        "(`/api/v1/`). Elles sont publiées sous "
        f"[{LICENCE['title']}]({LICENCE['path']}) ; chaque fichier porte la date de l'export.",
        "",
        "- CSV : UTF-8 sans BOM, séparateur virgule, guillemets doubles, fins de ligne CRLF ; "
        "décimales avec un point ; booléens « oui »/« non » ; listes séparées par « ; » ; "
        "dates en UTC (ISO 8601). Schéma : `/donnees/schema.json` (Table Schema).",
        "- Protection des tableurs (CSV seulement) : un texte qui commence par `=`, `+`, `-`, "
        "`@`, une tabulation ou un retour chariot est précédé d'une apostrophe `'` "
        "(recommandation de l'OWASP contre l'injection de formules), de même qu'un texte "
        "fait d'apostrophes suivies de l'un de ces caractères ; les nombres (latitude, "
        "longitude négatives) ne le sont pas. L'import de Pépites retire une apostrophe "
        "devant ces caractères et retrouve le texte exact. XLSX, GeoJSON et l'API donnent "
        "le texte tel quel.",
        "- XLSX : les mêmes colonnes, plus une feuille « Dictionnaire » et une feuille "
        "« À propos » (licence, date, filtres).",
        "- GeoJSON : un point par initiative placée (WGS 84) ; les mêmes colonnes en propriétés, "
        "hors latitude et longitude ; licence, date et filtres en tête du fichier.",
        "",
        "Un fichier exporté se réimporte tel quel (`pepites import_initiatives`) : les colonnes "
        "marquées « calculée » sont ignorées à l'import.",
        "",
        "| Colonne | Intitulé | Type | Obligatoire | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for column in COLUMNS:
        required = "oui" if column.constraints.get("required") else ""
        description = str(column.description)
        if column.read_only:
            description += " (calculée)"
        if column.example:
            description += f" Exemple : `{column.example}`."
        lines.append(
            f"| `{column.name}` | {column.title} | {column.type} | {required} | {description} |"
        )
    return "\n".join(lines) + "\n"
