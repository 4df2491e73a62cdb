"""Open data: the published initiatives as CSV, XLSX and GeoJSON, under Licence Ouverte 2.0.

One list of columns (`COLUMNS`) gives the files' columns, the Table Schema published with
them (data/schema.json) and the French data dictionary (docs/dictionnaire-des-donnees.md);
their names are those the importer recognises, so an export re-imports to the same data.
Rows are read in chunks and written as they come: 100,000 initiatives never sit in memory.
"""

from __future__ import annotations

import csv
import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.models import (
    COMPUTED_QPV_RELATIONS,
    Initiative,
    InitiativeLink,
    InitiativeQpv,
    InitiativeStatus,
    PorteurKind,
    QpvPlacement,
    Theme,
)
from pepites.initiatives.selectors import LIST_ORDER, filter_published_initiatives

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_FILE = DATA_DIR / "schema.json"
DICTIONARY_FILE = Path(settings.BASE_DIR) / "docs" / "dictionnaire-des-donnees.md"
SCHEMA_VERSION = "1.0.0"
CHUNK_SIZE = 2000
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
LIST_SEPARATOR = " ; "
TRUE, FALSE = "oui", "non"


@dataclass(frozen=True)
class Column:
    name: str
    title: Any
    description: Any
    value: Callable[[Initiative], Any]
    type: str = "string"
    format: str = ""
    constraints: dict[str, Any] = field(default_factory=dict)
    example: str = ""
    read_only: bool = False  # derived from other columns; ignored by the import


# Per row, the related data is read once per chunk of rows (see `iter_initiatives`) and
# kept on the instance: a query set per row and relation would cost more than the rest.


def _themes(initiative: Initiative) -> list[Theme]:
    return initiative.export_themes


def _contact(name: str) -> Callable[[Initiative], Any]:
    return lambda i: getattr(i, name) if i.contact_consent else ""


def _links(initiative: Initiative) -> str:
    return "\n".join(f"{url} {label}".strip() for url, label in initiative.export_links)


def _qpv_codes(initiative: Initiative) -> str:
    return LIST_SEPARATOR.join(initiative.export_qpv_codes)


@functools.cache
def _page_prefix() -> tuple[str, str]:
    path = reverse("initiative_detail", kwargs={"slug": "slug-0"})
    before, after = path.split("slug-0")
    return before, after


def _page_url(initiative: Initiative) -> str:
    before, after = _page_prefix()
    return f"{settings.SITE_URL}{before}{initiative.slug}{after}"


def _utc(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


THEME_SLUG_PATTERN = r"^[a-z0-9-]+( ; [a-z0-9-]+)*$"

COLUMNS: tuple[Column, ...] = (
    Column(
        "uid",
        _("Identifiant Pépites"),
        _("Identifiant stable de l'initiative, qui ne change jamais (UUID)."),
        lambda i: str(i.uid),
        format="uuid",
        constraints={"required": True, "unique": True},
        example="3f2a9c4e-1b7d-4e8a-9c0f-2d5e6a7b8c9d",
    ),
    Column(
        "titre",
        _("Titre"),
        _("Nom de l'initiative."),
        lambda i: i.title,
        constraints={"required": True, "maxLength": 200},
        example="Épicerie solidaire du Franc-Moisin",
    ),
    Column(
        "resume",
        _("Résumé"),
        _("Ce qu'est l'initiative, en quelques phrases."),
        lambda i: i.summary,
        constraints={"required": True, "maxLength": 600},
    ),
    Column(
        "contexte",
        _("Contexte et enjeu"),
        _("Le problème auquel l'initiative répond."),
        lambda i: i.context,
    ),
    Column("actions", _("Ce qui a été fait"), _("Les actions menées."), lambda i: i.actions),
    Column("resultats", _("Résultats"), _("Ce que l'initiative a produit."), lambda i: i.results),
    Column(
        "pour_reproduire",
        _("Pour reproduire"),
        _("Conseils à qui voudrait faire de même ailleurs."),
        lambda i: i.replication,
    ),
    Column(
        "porteur",
        _("Porteur"),
        _("La structure qui porte l'initiative."),
        lambda i: i.porteur_name,
        constraints={"required": True, "maxLength": 200},
    ),
    Column(
        "type_porteur",
        _("Type de porteur"),
        lazy(
            lambda: (
                _("Nature juridique du porteur : %(values)s.")
                % {"values": ", ".join(f"{k.value} ({k.label})" for k in PorteurKind)}
            ),
            str,
        )(),
        lambda i: i.porteur_kind,
        constraints={"required": True, "enum": [k.value for k in PorteurKind]},
        example="association",
    ),
    Column("partenaires", _("Partenaires"), _("Les partenaires associés."), lambda i: i.partners),
    Column(
        "financeurs", _("Financeurs"), _("Les financeurs de l'initiative."), lambda i: i.funders
    ),
    Column(
        "public_vise",
        _("Public visé"),
        _("À qui s'adresse l'initiative."),
        lambda i: i.target_public,
        constraints={"maxLength": 300},
    ),
    Column(
        "thematique_principale",
        _("Thématique principale"),
        _("Identifiant (slug) de la thématique principale ; voir /api/v1/thematiques."),
        lambda i: i.principal_theme.slug,
        constraints={"required": True, "pattern": r"^[a-z0-9-]+$"},
        example="emploi-insertion",
    ),
    Column(
        "thematiques",
        _("Thématiques"),
        _("Identifiants des thématiques, la principale en premier, séparés par « ; »."),
        lambda i: LIST_SEPARATOR.join(t.slug for t in _themes(i)),
        constraints={"required": True, "pattern": THEME_SLUG_PATTERN},
        example="emploi-insertion ; ess",
    ),
    Column(
        "thematiques_libelles",
        _("Intitulés des thématiques"),
        _("Les mêmes thématiques, par leur intitulé."),
        lambda i: LIST_SEPARATOR.join(t.label for t in _themes(i)),
        read_only=True,
    ),
    Column(
        "annee_demarrage",
        _("Année de démarrage"),
        _("Année où l'initiative a commencé."),
        lambda i: i.start_year,
        type="integer",
        constraints={"minimum": 1900, "maximum": 2100},
        example="2019",
    ),
    Column(
        "en_cours",
        _("Toujours en cours"),
        _("« oui » si l'initiative se poursuit, « non » si elle est terminée."),
        lambda i: i.is_running,
        type="boolean",
        constraints={"required": True},
    ),
    Column(
        "code_commune",
        _("Code INSEE de la commune"),
        _("Code officiel géographique de la commune où se trouve l'initiative."),
        lambda i: i.commune_id,
        constraints={"required": True, "pattern": r"^(\d{5}|2[AB]\d{3})$"},
        example="93066",
    ),
    Column(
        "commune",
        _("Commune"),
        _("Nom de la commune."),
        lambda i: i.commune.name,
        example="Saint-Denis",
    ),
    Column(
        "departement",
        _("Département"),
        _("Code du département."),
        lambda i: i.commune.departement_id,
        constraints={"pattern": r"^(\d{2,3}|2[AB])$"},
        example="93",
    ),
    Column(
        "region",
        _("Région"),
        _("Code de la région."),
        lambda i: i.commune.region_id,
        read_only=True,
        example="11",
    ),
    Column(
        "adresse", _("Adresse"), _("Adresse postale, quand elle est publique."), lambda i: i.address
    ),
    Column(
        "latitude",
        _("Latitude"),
        _("Latitude du point (WGS 84, degrés décimaux) ; vide si l'initiative n'est pas placée."),
        lambda i: i.latitude,
        type="number",
        constraints={"minimum": -90, "maximum": 90},
        example="48.9355",
    ),
    Column(
        "longitude",
        _("Longitude"),
        _("Longitude du point (WGS 84, degrés décimaux)."),
        lambda i: i.longitude,
        type="number",
        constraints={"minimum": -180, "maximum": 180},
        example="2.358",
    ),
    Column(
        "centre",
        _("Centre de ressources"),
        _("Identifiant (slug) du centre référent ; vide : l'équipe nationale."),
        lambda i: i.centre.slug if i.centre else "",
        example="profession-banlieue",
    ),
    Column(
        "centre_nom",
        _("Nom du centre"),
        _("Nom du centre de ressources référent."),
        lambda i: i.centre.name if i.centre else "",
        read_only=True,
    ),
    Column(
        "contact_nom",
        _("Contact"),
        _("Personne à contacter, publiée avec son accord seulement."),
        _contact("contact_name"),
    ),
    Column(
        "contact_courriel",
        _("Courriel du contact"),
        _("Adresse électronique du contact (avec son accord)."),
        _contact("contact_email"),
        format="email",
    ),
    Column(
        "contact_telephone",
        _("Téléphone du contact"),
        _("Téléphone du contact (avec son accord)."),
        _contact("contact_phone"),
    ),
    Column(
        "contact_consentement",
        _("Consentement du contact"),
        _("« oui » quand la personne a accepté la publication de ses coordonnées."),
        lambda i: i.contact_consent,
        type="boolean",
    ),
    Column(
        "liens",
        _("Liens"),
        _("Un lien par ligne : l'adresse, puis un espace et son intitulé."),
        _links,
        example="https://exemple.fr Site du projet",
    ),
    Column(
        "etat",
        _("État"),
        _("État de la fiche ; les exports publics ne contiennent que des fiches publiées."),
        lambda i: i.status,
        constraints={"required": True, "enum": [s.value for s in InitiativeStatus]},
        example="publiee",
    ),
    Column(
        "demonstration",
        _("Exemple de démonstration"),
        _("« oui » pour un contenu fictif de démonstration."),
        lambda i: i.is_demo,
        type="boolean",
        constraints={"required": True},
    ),
    Column(
        "situation_qpv",
        _("Situation par rapport aux QPV"),
        _("Calculée à partir du point : dans un QPV, à proximité, hors QPV (vide : non calculée)."),
        lambda i: i.qpv_relation,
        constraints={"enum": [p.value for p in QpvPlacement]},
        read_only=True,
    ),
    Column(
        "qpv",
        _("QPV"),
        _(
            "Codes des quartiers prioritaires où se trouve l'initiative ou à proximité, séparés par « ; »."
        ),
        _qpv_codes,
        read_only=True,
        example="QN09301M",
    ),
    Column(
        "reference_origine",
        _("Référence d'origine"),
        _("Identifiant de la fiche dans le fichier d'où elle a été importée, le cas échéant."),
        lambda i: i.source_ref,
        constraints={"maxLength": 200},
    ),
    Column(
        "url",
        _("Page de l'initiative"),
        _("Adresse de la fiche sur Pépites."),
        _page_url,
        format="uri",
        read_only=True,
    ),
    Column(
        "date_publication",
        _("Date de publication"),
        _("Date et heure de la publication (UTC, ISO 8601)."),
        lambda i: _utc(i.published_at),
        type="datetime",
        read_only=True,
    ),
    Column(
        "date_modification",
        _("Date de modification"),
        _("Date et heure de la dernière modification (UTC, ISO 8601)."),
        lambda i: _utc(i.updated_at),
        type="datetime",
        read_only=True,
    ),
)
COLUMN_NAMES = [c.name for c in COLUMNS]


# --- Rows ---------------------------------------------------------------------------------


def export_queryset(*, filters: dict[str, Any] | None = None) -> QuerySet[Initiative]:
    """The published initiatives matching the map's filters, newest first."""
    results = filter_published_initiatives(**(filters or {}))
    queryset = results.queryset
    if results.ranked_ids is not None:
        queryset = queryset.filter(pk__in=results.ranked_ids)
    return queryset.select_related("commune", "centre", "principal_theme").order_by(*LIST_ORDER)


def iter_initiatives(queryset: QuerySet[Initiative]) -> Iterator[Initiative]:
    """The initiatives with their themes, links and QPV, read by chunks of CHUNK_SIZE."""
    themes = {theme.pk: theme for theme in Theme.objects.order_by("position", "label")}
    chunk: list[Initiative] = []
    for initiative in queryset.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(initiative)
        if len(chunk) >= CHUNK_SIZE:
            yield from _with_relations(chunk, themes)
            chunk = []
    if chunk:
        yield from _with_relations(chunk, themes)


def _with_relations(chunk: list[Initiative], themes: dict[int, Theme]) -> list[Initiative]:
    ids = [initiative.pk for initiative in chunk]
    theme_ids: dict[int, list[int]] = defaultdict(list)
    for initiative_id, theme_id in Initiative.themes.through.objects.filter(
        initiative_id__in=ids
    ).values_list("initiative_id", "theme_id"):
        theme_ids[initiative_id].append(theme_id)
    links: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for initiative_id, url, label in (
        InitiativeLink.objects.filter(initiative_id__in=ids)
        .order_by("position", "pk")
        .values_list("initiative_id", "url", "label")
    ):
        links[initiative_id].append((url, label))
    qpv: dict[int, set[str]] = defaultdict(set)
    for initiative_id, code in InitiativeQpv.objects.filter(
        initiative_id__in=ids, relation__in=COMPUTED_QPV_RELATIONS
    ).values_list("initiative_id", "qpv_code"):
        qpv[initiative_id].add(code)
    order = {pk: position for position, pk in enumerate(themes)}
    for initiative in chunk:
        own = sorted(
            (themes[pk] for pk in theme_ids[initiative.pk] if pk in themes),
            key=lambda t: (t.pk != initiative.principal_theme_id, order[t.pk]),
        )
        initiative.export_themes = own
        initiative.export_links = links[initiative.pk]
        initiative.export_qpv_codes = sorted(qpv[initiative.pk])
    return chunk


def row_values(initiative: Initiative) -> list[Any]:
    return [column.value(initiative) for column in COLUMNS]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class ExportInfo:
    """What every file says about itself."""

    generated_at: datetime
    filters: dict[str, Any]
    count: int | None = None

    @property
    def date(self) -> str:
        return (
            self.generated_at.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        )


def export_info(*, filters: dict[str, Any] | None = None) -> ExportInfo:
    return ExportInfo(generated_at=timezone.now(), filters=dict(filters or {}))


# --- CSV ----------------------------------------------------------------------------------


class _Line:
    def write(self, value: str) -> str:
        return value


def iter_csv(initiatives: Iterable[Initiative], *, batch: int = 500) -> Iterator[str]:
    """The CSV as text chunks (UTF-8 once encoded, comma separated, CRLF line ends)."""
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMN_NAMES)
    lines: list[str] = []
    for initiative in initiatives:
        lines.append(writer.writerow([_text(v) for v in row_values(initiative)]))
        if len(lines) >= batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def write_csv(initiatives: Iterable[Initiative], stream) -> None:
    """Write the CSV to a binary stream."""
    for chunk in iter_csv(initiatives):
        stream.write(chunk.encode("utf-8"))


# --- GeoJSON ------------------------------------------------------------------------------


def _feature(initiative: Initiative) -> dict[str, Any]:
    properties = {}
    for column, value in zip(COLUMNS, row_values(initiative), strict=True):
        if column.name in {"latitude", "longitude"}:
            continue
        properties[column.name] = value
    geometry = None
    if initiative.latitude is not None and initiative.longitude is not None:
        geometry = {"type": "Point", "coordinates": [initiative.longitude, initiative.latitude]}
    return {
        "type": "Feature",
        "id": str(initiative.uid),
        "geometry": geometry,
        "properties": properties,
    }


def iter_geojson(
    initiatives: Iterable[Initiative], *, info: ExportInfo, batch: int = 200
) -> Iterator[str]:
    """A FeatureCollection with the licence, date and source as foreign members."""
    head = {
        "type": "FeatureCollection",
        "name": "pepites-initiatives",
        "title": str(_("Initiatives publiées sur Pépites")),
        "licence": LICENCE,
        "date": info.date,
        "source": settings.SITE_URL + "/",
        "schema": settings.SITE_URL + reverse("open_data_schema"),
        "filters": info.filters,
    }
    text = json.dumps(head, ensure_ascii=False)
    yield text[:-1] + ', "features": ['
    parts: list[str] = []
    first = True
    for initiative in initiatives:
        parts.append(
            ("" if first else ",\n") + json.dumps(_feature(initiative), ensure_ascii=False)
        )
        first = False
        if len(parts) >= batch:
            yield "".join(parts)
            parts = []
    parts.append("]}\n")
    yield "".join(parts)


# --- XLSX ---------------------------------------------------------------------------------


def write_xlsx(initiatives: Iterable[Initiative], stream, *, info: ExportInfo) -> None:
    """A workbook: the initiatives, the data dictionary, and a sheet saying what this is."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    workbook.properties.title = str(_("Initiatives publiées sur Pépites"))
    workbook.properties.creator = "Pépites"
    workbook.properties.description = f"{LICENCE['title']} — {info.date}"
    sheet = workbook.create_sheet(str(_("Initiatives")))
    sheet.freeze_panes = "A2"
    sheet.append(COLUMN_NAMES)

    def cell(value: Any):
        if isinstance(value, bool):
            value = TRUE if value else FALSE
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            written.data_type = "s"  # text, never a formula
        return written

    for initiative in initiatives:
        sheet.append([cell(v) for v in row_values(initiative)])
    dictionary = workbook.create_sheet(str(_("Dictionnaire")))
    dictionary.append(
        [str(_("colonne")), str(_("intitulé")), str(_("type")), str(_("description"))]
    )
    for column in COLUMNS:
        dictionary.append([column.name, str(column.title), column.type, str(column.description)])
    about = workbook.create_sheet(str(_("À propos")))
    for line in about_lines(info):
        about.append(line)
    workbook.save(stream)


def about_lines(info: ExportInfo) -> list[list[str]]:
    filters = ", ".join(f"{k} = {v}" for k, v in info.filters.items() if v) or str(_("aucun"))
    return [
        [str(_("Données")), str(_("Initiatives publiées sur Pépites"))],
        [str(_("Source")), settings.SITE_URL + "/"],
        [str(_("Licence")), f"{LICENCE['title']} ({LICENCE['path']})"],
        [str(_("Date de l'export")), info.date],
        [str(_("Filtres")), filters],
        [str(_("Schéma")), settings.SITE_URL + reverse("open_data_schema")],
    ]


# --- Table Schema and data dictionary --------------------------------------------------------


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
                "point, booléens « oui »/« non », listes séparées par « ; »."
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
        "pepites/initiatives/exports.py : ne pas modifier à la main. -->",
        "",
        "Les initiatives publiées s'exportent en CSV, XLSX et GeoJSON depuis la page "
        "« Données ouvertes » (`/donnees/`), avec les mêmes filtres que la carte, et par l'API "
        "(`/api/v1/`). Elles sont publiées sous "
        f"[{LICENCE['title']}]({LICENCE['path']}) ; chaque fichier porte la date de l'export.",
        "",
        "- CSV : UTF-8 sans BOM, séparateur virgule, guillemets doubles, fins de ligne CRLF ; "
        "décimales avec un point ; booléens « oui »/« non » ; listes séparées par « ; » ; "
        "dates en UTC (ISO 8601). Schéma : `/donnees/schema.json` (Table Schema).",
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
