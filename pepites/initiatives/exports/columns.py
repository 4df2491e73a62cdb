"""The columns of the open-data files: one list gives the CSV, XLSX and GeoJSON columns, the
Table Schema and the data dictionary; their names are those the importer recognises.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from pepites.core import links
from pepites.core.siteurl import site_url
from pepites.initiatives.models import (
    Initiative,
    InitiativeStatus,
    PorteurKind,
    QpvPlacement,
    Theme,
)

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
    return initiative.export_themes  # type: ignore[attr-defined]


def _contact(name: str) -> Callable[[Initiative], Any]:
    return lambda i: getattr(i, name) if i.contact_consent else ""


def _links(initiative: Initiative) -> str:
    return "\n".join(f"{url} {label}".strip() for url, label in initiative.export_links)  # type: ignore[attr-defined]


def _qpv_codes(initiative: Initiative) -> str:
    return LIST_SEPARATOR.join(initiative.export_qpv_codes)  # type: ignore[attr-defined]


@functools.cache
def _page_prefix() -> tuple[str, str]:
    path = links.path("initiative", slug="slug-0")
    before, after = path.split("slug-0")
    return before, after


def _page_url(initiative: Initiative) -> str:
    before, after = _page_prefix()
    return f"{site_url()}{before}{initiative.slug}{after}"


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
    Column(
        "siret",
        _("SIRET du porteur"),
        _(
            "Le numéro SIRET (14 chiffres) de l'établissement qui porte l'initiative, s'il est connu."
        ),
        lambda i: i.organisation.siret if i.organisation_id else "",  # type: ignore[union-attr]
        constraints={"pattern": "^[0-9]{14}$"},
        example="35600000000048",
    ),
    Column(
        "organisation_nom",
        _("Organisation porteuse"),
        _(
            "Le nom de l'organisation porteuse, commun à toutes ses initiatives (le porteur "
            "tel que saisi peut l'écrire autrement)."
        ),
        lambda i: i.organisation.name if i.organisation_id else "",  # type: ignore[union-attr]
        read_only=True,
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
        "inspiree_de",
        _("Inspirée de"),
        _(
            "Identifiants Pépites (uid) des initiatives que celle-ci reproduit ailleurs, séparés "
            "par « ; » (essaimage) ; vide : aucune."
        ),
        lambda i: LIST_SEPARATOR.join(i.export_inspired_by),  # type: ignore[attr-defined]
        constraints={"pattern": r"^([0-9a-f-]{36}( ; [0-9a-f-]{36})*)?$"},
        example="3f2a9c4e-1b7d-4e8a-9c0f-2d5e6a7b8c9d",
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
        "programmes",
        _("Programmes"),
        _("Identifiants des programmes (nationaux ou locaux) de l'initiative, séparés par « ; »."),
        lambda i: LIST_SEPARATOR.join(getattr(i, "export_programmes", [])),
        read_only=True,
        example="cites-de-l-emploi",
    ),
    Column(
        "labels",
        _("Labels"),
        _(
            "Identifiants des labels accordés par un centre ou l'équipe nationale, et des numéros "
            "de L'Éco des quartiers qui la présentent, séparés par « ; »."
        ),
        lambda i: LIST_SEPARATOR.join(getattr(i, "export_labels", [])),
        read_only=True,
        example="visite-possible",
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
