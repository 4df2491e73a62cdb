"""Demonstration organisations: a few demonstration porteurs get a fictional SIRET and the
data the directory of companies would give, one is shown closed, and a second spelling of
one porteur makes a merge proposal to try. All are marked `is_demo` ("Exemple de
démonstration"); their SIRETs start with 000, a range the INSEE does not assign, so that the
nightly check never confuses them with real companies (it skips demonstration content too)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from pepites.initiatives.models import Initiative
from pepites.organisations.models import AdministrativeState, Organisation
from pepites.organisations.services import create_organisation

# porteur name → (SIRET body without its key, NAF code, creation date, headcount band, ESS, state)
DEMO_DIRECTORY = {
    "Le Panier des Francs-Moisins": ("0000000100001", "88.99B", date(2016, 3, 1), "02", True, "A"),
    "SCIC Les Marmites d'Auber": ("0000000200001", "56.29A", date(2019, 9, 12), "11", True, "A"),
    "Foncière Rez-de-Ville": ("0000000300001", "68.20B", date(2014, 1, 6), "03", False, "A"),
    "Roues Libres du Plateau": ("0000000400001", "95.29Z", date(2012, 5, 20), "01", True, "F"),
}
# A second spelling of a demonstration porteur, in the same commune: proposed for merging.
DEMO_VARIANT = ("Le Panier des Francs-Moisins", "ASSOCIATION LE PANIER DES FRANCS MOISINS")


def with_luhn_key(body: str) -> str:
    """`body` (13 digits) followed by the digit that makes the whole pass the Luhn check."""
    for key in "0123456789":
        digits = body + key
        total = sum(
            (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 else d
            for i, d in enumerate(int(c) for c in reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


@transaction.atomic
def load_demo_organisations() -> int:
    """Fill the demonstration porteurs' directory data; returns how many changed."""
    changed = 0
    for name, (body, naf, created, band, ess, state) in DEMO_DIRECTORY.items():
        organisation = Organisation.objects.filter(name=name, is_demo=True).first()
        siret = with_luhn_key(body)
        if organisation is None or organisation.siret == siret:
            continue
        Organisation.objects.filter(pk=organisation.pk).update(
            siret=siret,
            legal_name=name.upper(),
            naf_code=naf,
            creation_date=created,
            headcount_band=band,
            is_ess=ess,
            administrative_state=state,
            closed_on=date(2025, 6, 30) if state == AdministrativeState.CLOSED else None,
            looked_up_at=timezone.now(),
        )
        changed += 1
    original, variant = DEMO_VARIANT
    source = Organisation.objects.filter(name=original, is_demo=True).first()
    if source is not None and not Organisation.objects.filter(name=variant).exists():
        carried = Initiative.objects.filter(organisation=source).first()
        create_organisation(
            name=variant,
            kind=source.kind,
            commune=carried.commune if carried else source.commune,
            is_demo=True,
        )
        changed += 1
    return changed


# A harvested source, fictional: never fetched (the job skips demonstration sources), with
# differences waiting as a real harvest would leave them; accepting them creates
# demonstration initiatives (their "demonstration" property).
DEMO_SOURCE_NAME = "Carte uMap du centre (exemple de démonstration)"
DEMO_DATALAYER: dict[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.3601, 48.9361]},
            "properties": {
                "name": "Job dating au pied des tours (démonstration)",
                "description": "Des recrutements au pied des immeubles, un jeudi par mois.",
                "code_commune": "93066",
                "thematiques": "Emploi et insertion",
                "demonstration": "oui",
            },
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.3555, 48.934]},
            "properties": {
                "name": "Point de médiation numérique (démonstration)",
                "description": "Accompagnement aux démarches en ligne, sans rendez-vous.",
                "code_commune": "93066",
                "thematiques": "Numérique",
                "demonstration": "oui",
            },
        },
    ],
    "_umap_options": {"displayOnLoad": True, "name": "Initiatives (démonstration)"},
}


@transaction.atomic
def load_demo_harvest_source() -> int:
    from pepites.initiatives.harvest.models import HarvestSource, HarvestState, SourceKind
    from pepites.network.models import Centre

    centre = Centre.objects.filter(slug="profession-banlieue").first()
    if centre is None or HarvestSource.objects.filter(name=DEMO_SOURCE_NAME).exists():
        return 0
    content = json.dumps(DEMO_DATALAYER, ensure_ascii=False).encode()
    features = DEMO_DATALAYER["features"]
    HarvestSource.objects.create(
        centre=centre,
        name=DEMO_SOURCE_NAME,
        kind=SourceKind.UMAP,
        url="https://umap.example.org/fr/datalayer/12345/demonstration/",
        every_hours=24,
        is_demo=True,
        state=HarvestState.PENDING,
        pending_content=content,
        pending_diff={
            "new": [f["properties"]["name"] for f in features],
            "changed": [],
            "disappeared": [],
            "invalid": [],
        },
        last_fetched_at=timezone.now(),
        last_changed_at=timezone.now(),
    )
    return 1
