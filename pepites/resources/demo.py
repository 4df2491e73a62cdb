"""Demonstration resources: fictional, marked `is_demo` (« Exemple de démonstration » on
their page, and written on every page of their generated PDF), linked to demonstration
initiatives of their theme. Idempotent: a title already present is not created again."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from pepites.initiatives.models import Initiative, InitiativeStatus, Theme
from pepites.network.models import Centre
from pepites.resources.models import Licence, Resource, ResourceKind, ResourceStatus
from pepites.resources.pdfwriter import image_only_pdf, text_pdf
from pepites.resources.reading import store_extraction
from pepites.resources.services import create_resource

NOTICE = "Exemple de démonstration : document fictif produit par Pépites."


@dataclass(frozen=True)
class DemoResource:
    title: str
    kind: str
    centre: str
    theme: str
    day: date
    summary: str
    pages: list[str] = field(default_factory=list)
    scanned: bool = False
    external_url: str = ""
    departements: tuple[str, ...] = ()


def _chapters(subject: str, count: int, special: dict[int, str]) -> list[str]:
    return [
        f"{NOTICE}\n{subject} — page {n}.\n"
        + special.get(
            n,
            "Les acteurs du quartier, la collectivité et le centre de ressources ont "
            "partagé leurs constats sur l'emploi, le commerce et la création d'activité.",
        )
        for n in range(1, count + 1)
    ]


DEMO = [
    DemoResource(
        title="Étude : le commerce de proximité dans les quartiers prioritaires",
        kind=ResourceKind.STUDY,
        centre="profession-banlieue",
        theme="commerce-proximite",
        day=date(2025, 3, 12),
        summary="Quarante pages d'analyse des polarités commerciales de six quartiers.",
        pages=_chapters(
            "Le commerce de proximité",
            40,
            {
                37: "À Saint-Denis, une fromagerie coopérative tenue par des habitantes a rouvert "
                "une cellule vide depuis six ans."
            },
        ),
        departements=("93",),
    ),
    DemoResource(
        title="Guide : accompagner la création d'activité au pied des immeubles",
        kind=ResourceKind.GUIDE,
        centre="labo-cites",
        theme="entrepreneuriat",
        day=date(2024, 11, 5),
        summary="Les étapes, les partenaires et les financements mobilisables.",
        pages=_chapters("Accompagner la création d'activité", 12, {}),
    ),
    DemoResource(
        title="Compte rendu de la rencontre régionale emploi et insertion (scan)",
        kind=ResourceKind.REPORT,
        centre="profession-banlieue",
        theme="emploi-insertion",
        day=date(2025, 1, 20),
        summary="Le compte rendu manuscrit numérisé : son texte n'est pas extrait.",
        scanned=True,
    ),
    DemoResource(
        title="Replay : webinaire sur les clauses sociales",
        kind=ResourceKind.VIDEO,
        centre="labo-cites",
        theme="emploi-insertion",
        day=date(2025, 5, 15),
        summary="Une heure d'échanges entre acheteurs publics et structures d'insertion.",
        external_url="https://example.org/demonstration/replay-clauses-sociales",
    ),
]


def _initiatives_for(theme_slug: str) -> list[Initiative]:
    return list(
        Initiative.objects.filter(
            status=InitiativeStatus.PUBLISHED, is_demo=True, themes__slug=theme_slug
        ).order_by("pk")[:2]
    )


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name, self.size = name, len(data)


@transaction.atomic
def load_demo_resources() -> int:
    """Create the demonstration resources that are missing; returns how many."""
    created = 0
    for demo in DEMO:
        centre = Centre.objects.filter(slug=demo.centre).first()
        if centre is None or Resource.objects.filter(title=demo.title, is_demo=True).exists():
            continue
        data = None
        if demo.scanned:
            data = image_only_pdf(pages=2)
        elif demo.pages:
            data = text_pdf(demo.pages, title=demo.title)
        resource = create_resource(
            title=demo.title,
            kind=demo.kind,
            date=demo.day,
            centres=[centre],
            summary=f"{demo.summary} ({NOTICE})",
            authors="Équipe de démonstration",
            themes=list(Theme.objects.filter(slug=demo.theme)),
            departements=list(demo.departements),
            initiatives=_initiatives_for(demo.theme),
            external_url=demo.external_url,
            licence=Licence.ETALAB,
            status=ResourceStatus.PUBLISHED,
            is_demo=True,
            upload=_Upload(data, "demonstration.pdf") if data else None,
        )
        if data:
            store_extraction(resource_id=resource.pk)  # ready at once (the queued job too)
        created += 1
    return created
