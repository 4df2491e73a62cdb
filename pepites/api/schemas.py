"""The shapes of what the API reads and writes (OpenAPI 3 schemas, through Pydantic)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from pepites.initiatives.models import LIST_TEXT_MAX_LENGTH, RICH_TEXT_MAX_LENGTH


def _clean(value: str) -> str:
    """No NUL character nor lone surrogate: the databases refuse them."""
    if "\x00" in value:
        raise ValueError("caractère nul interdit")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("caractère Unicode invalide") from exc
    return value


CleanStr = Annotated[str, AfterValidator(_clean)]
# Literal types keep the OpenAPI enums visible; tests check they follow the models' choices.
Status = Literal["brouillon", "proposee", "publiee", "archivee"]
Kind = Literal[
    "association",
    "entreprise",
    "cooperative",
    "collectivite",
    "bailleur",
    "etablissement_public",
    "autre",
]


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None


# --- Reference data -----------------------------------------------------------------------


class ThemeOut(Schema):
    slug: str
    label: str
    description: str
    colour: str
    icon: str
    published_count: int


class RegionOut(Schema):
    code: str
    name: str


class DepartementOut(Schema):
    code: str
    name: str
    region: str


class CommuneOut(Schema):
    code: str
    name: str
    departement: str
    region: str
    parent: str | None
    population: int | None
    postal_codes: list[str]


class CommunePage(Page):
    results: list[CommuneOut]


class CentreOut(Schema):
    slug: str
    name: str
    former_name: str
    territory_label: str
    status: str
    departements: list[str]
    email: str
    phones: list[str]
    website: str
    description: str
    published_count: int
    url: str


class IndicatorOut(Schema):
    value: float | None = Field(description="Absente si secrète (status s) ou non disponible (nd)")
    status: str = Field(description="Vide (publiée), s (secret statistique) ou nd")
    unit: str
    vintage: str = Field(description="Millésime (« démonstration » pour les chiffres fictifs)")


class QpvOut(Schema):
    code: str
    name: str
    generation: str = Field(description="2015, 2024, ou demo (contours fictifs de démonstration)")
    is_demo: bool = Field(description="Contour fictif de démonstration (instance hors ligne)")
    departement: str
    region: str
    communes_label: str
    latitude: float
    longitude: float
    area_m2: float
    url: str
    indicators: dict[str, IndicatorOut] = Field(
        description=(
            "Chiffres clés de l'INSEE, dernier millésime importé : population, poverty_rate, "
            "young_share, employment_rate, jobseekers (absents si non importés)"
        )
    )


class QpvPage(Page):
    results: list[QpvOut]


class QpvDetailOut(QpvOut):
    communes: list[dict[str, str]]
    outline: dict[str, Any]


# --- Initiatives --------------------------------------------------------------------------


class OrganisationOut(Schema):
    name: str = Field(description="Nom de l'organisation porteuse (commun à ses initiatives).")
    siret: str = Field(description="SIRET de l'organisation (14 chiffres), vide s'il est inconnu.")
    url: str = Field(description="Page publique de l'organisation et de ses initiatives.")
    closed: bool = Field(description="Fermée selon l'annuaire des entreprises (Sirene).")


class PorteurOut(Schema):
    name: str
    kind: str
    kind_label: str
    organisation: OrganisationOut | None = None


class PlaceOut(Schema):
    commune_code: str
    commune_name: str
    departement: str
    region: str
    address: str
    latitude: float | None
    longitude: float | None
    qpv_relation: str
    qpv_codes: list[str]


class CentreRef(Schema):
    slug: str
    name: str


class ContactOut(Schema):
    name: str
    email: str
    phone: str


class LinkOut(Schema):
    url: str
    label: str


class InitiativeOut(Schema):
    uid: UUID
    slug: str
    url: str
    title: str
    summary: str
    context: str
    actions: str
    results: str
    replication: str
    porteur: PorteurOut
    partners: str
    funders: str
    target_public: str
    principal_theme: str
    themes: list[str]
    start_year: int | None
    is_running: bool
    place: PlaceOut
    centre: CentreRef | None
    contact: ContactOut | None
    links: list[LinkOut]
    status: str
    is_demo: bool
    published_at: datetime | None
    updated_at: datetime
    version: int


class InitiativePage(Page):
    results: list[InitiativeOut]


class LinkIn(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown field is an error, not ignored

    url: CleanStr = Field(..., max_length=500)
    label: CleanStr = Field("", max_length=150)


class InitiativeFields(Schema):
    """What both a creation and an update may set."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is an error, not ignored

    context: CleanStr | None = Field(None, max_length=RICH_TEXT_MAX_LENGTH)
    actions: CleanStr | None = Field(None, max_length=RICH_TEXT_MAX_LENGTH)
    results: CleanStr | None = Field(None, max_length=RICH_TEXT_MAX_LENGTH)
    replication: CleanStr | None = Field(None, max_length=RICH_TEXT_MAX_LENGTH)
    porteur_kind: Kind | None = None
    porteur_siret: CleanStr | None = Field(
        None,
        max_length=30,
        description="SIRET du porteur (14 chiffres) : l'initiative est rattachée à son organisation.",
    )
    partners: CleanStr | None = Field(None, max_length=LIST_TEXT_MAX_LENGTH)
    funders: CleanStr | None = Field(None, max_length=LIST_TEXT_MAX_LENGTH)
    target_public: CleanStr | None = Field(None, max_length=300)
    start_year: int | None = Field(None, ge=1900, le=2100)
    is_running: bool | None = None
    address: CleanStr | None = Field(None, max_length=300)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    contact_name: CleanStr | None = Field(None, max_length=150)
    contact_email: CleanStr | None = Field(None, max_length=254)
    contact_phone: CleanStr | None = Field(None, max_length=30)
    contact_consent: bool | None = None
    status: Status | None = None


PRINCIPAL_THEME_HELP = (
    "Une des thématiques de « theme_slugs » (celles de l'initiative pour une modification "
    "qui n'en envoie pas), sinon la requête est refusée ; absente : la première."
)


class InitiativeCreate(InitiativeFields):
    title: CleanStr = Field(..., min_length=1, max_length=200)
    summary: CleanStr = Field(..., min_length=1, max_length=600)
    porteur_name: CleanStr = Field(..., min_length=1, max_length=200)
    commune_code: CleanStr = Field(..., min_length=5, max_length=5)
    theme_slugs: list[CleanStr] = Field(..., min_length=1, max_length=10)
    principal_theme_slug: CleanStr | None = Field(
        None, max_length=80, description=PRINCIPAL_THEME_HELP
    )
    centre_slug: CleanStr | None = Field(
        None, max_length=80, description="Vide : le centre qui couvre la commune."
    )
    links: list[LinkIn] = Field([], max_length=20)


class InitiativeUpdate(InitiativeFields):
    version: int = Field(..., ge=1, description="La version lue (verrou optimiste).")
    title: CleanStr | None = Field(None, min_length=1, max_length=200)
    summary: CleanStr | None = Field(None, min_length=1, max_length=600)
    porteur_name: CleanStr | None = Field(None, min_length=1, max_length=200)
    commune_code: CleanStr | None = Field(None, min_length=5, max_length=5)
    theme_slugs: list[CleanStr] | None = Field(None, min_length=1, max_length=10)
    principal_theme_slug: CleanStr | None = Field(
        None, max_length=80, description=PRINCIPAL_THEME_HELP
    )


# The GeoJSON answer is streamed (it may hold every initiative): described here by hand.
FEATURE_COLLECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "licence", "date", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "name": {"type": "string"},
        "title": {"type": "string"},
        "licence": {"type": "object"},
        "date": {"type": "string", "format": "date-time"},
        "source": {"type": "string"},
        "schema": {"type": "string"},
        "filters": {"type": "object"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "id", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": {
                        "oneOf": [
                            {
                                "type": "object",
                                "required": ["type", "coordinates"],
                                "properties": {
                                    "type": {"type": "string", "enum": ["Point"]},
                                    "coordinates": {
                                        "type": "array",
                                        "items": {"type": "number"},
                                        "minItems": 2,
                                        "maxItems": 2,
                                    },
                                },
                            },
                            {"type": "null"},
                        ]
                    },
                    "properties": {"type": "object"},
                },
            },
        },
    },
}
