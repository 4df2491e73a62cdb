"""Demonstration content and synthetic initiatives.

Both are fictional and always saved with `is_demo=True`, the mark the web layer shows as
"Exemple de démonstration". The demonstration initiatives (data/demo_initiatives.json) go
through `create_initiative`, so they are validated like any proposal; the synthetic ones,
for load and scale tests, are inserted in bulk.
"""

import csv
import json
import random
import uuid
from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _

from pepites.core.db import refresh_planner_statistics
from pepites.initiatives.models import Initiative, InitiativeStatus, PorteurKind, Theme
from pepites.initiatives.placement.services import place_initiatives
from pepites.initiatives.search_documents import index_initiatives
from pepites.initiatives.services import create_initiative
from pepites.network.models import Centre
from pepites.territories.models import Commune

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_initiatives.json"
DEPARTEMENT_CENTRES_FILE = (
    Path(__file__).resolve().parent.parent / "territories" / "data" / "departement_centres.csv"
)

SYNTHETIC_SLUG_PREFIX = "synthetique"
SYNTHETIC_JITTER_DEGREES = 0.15
SYNTHETIC_PUBLISHED_SHARE = 0.95
# Publication dates are drawn in a fixed window so that a seed always gives the same data.
SYNTHETIC_PUBLISHED_FROM = datetime(2018, 1, 1, tzinfo=UTC)
SYNTHETIC_PUBLISHED_SPAN_SECONDS = int(timedelta(days=7 * 365).total_seconds())


def _reference_data_missing() -> ValueError:
    return ValueError(_("Chargez d'abord les données de référence : pepites load_reference_data"))


# --- Demonstration initiatives ------------------------------------------------------------


def read_demo_entries(*, path: Path = DEMO_FILE) -> list[dict[str, Any]]:
    """The demonstration initiatives as stored: one dict of `create_initiative` arguments each."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_demo(*, only_if_empty: bool = False) -> int:
    """Create the demonstration initiatives not present yet (by title); return how many.

    With `only_if_empty`, do nothing (and return 0) as soon as any initiative exists.
    Everything is created in one transaction: a bad entry leaves the database unchanged.
    """
    entries = read_demo_entries()
    with transaction.atomic():
        if only_if_empty and Initiative.objects.exists():
            return 0
        if not Theme.objects.exists() or not Commune.objects.exists():
            raise _reference_data_missing()
        existing = set(
            Initiative.objects.filter(title__in=[e["title"] for e in entries]).values_list(
                "title", flat=True
            )
        )
        created = 0
        for entry in entries:
            if entry["title"] in existing:
                continue
            fields = dict(entry)
            links = [(url, label) for url, label in fields.pop("links", [])]
            create_initiative(**fields, links=links, is_demo=True)
            existing.add(entry["title"])
            created += 1
    return created


# --- Synthetic initiatives ----------------------------------------------------------------


def read_departement_centres(
    *, path: Path = DEPARTEMENT_CENTRES_FILE
) -> dict[str, tuple[float, float]]:
    """Approximate (latitude, longitude) of each département's prefecture, by code."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


THEME_PHRASES: dict[str, tuple[str, ...]] = {
    "immobilier-entreprise": (
        "un hôtel d'entreprises en pied d'immeuble",
        "des locaux d'activité à loyer progressif",
        "un tiers-lieu d'activités dans un ancien équipement",
        "des ateliers partagés pour les artisans",
        "une pépinière d'entreprises de quartier",
    ),
    "innovation-sociale": (
        "une conciergerie solidaire",
        "une laverie associative et lieu d'accès aux droits",
        "une coopérative jeunesse de services",
        "un atelier de valorisation des savoir-faire",
        "un service de proximité co-construit avec les habitants",
    ),
    "entrepreneuriat": (
        "une couveuse d'entreprises de proximité",
        "un incubateur de quartier",
        "un parcours pour les créatrices d'entreprise",
        "une cuisine partagée pour tester une activité",
        "des permanences d'aide à la création",
    ),
    "commerce-proximite": (
        "une épicerie solidaire",
        "des boutiques à l'essai",
        "une union commerciale de quartier",
        "un marché de producteurs",
        "un commerce multiservice en rez-de-chaussée",
    ),
    "emploi-insertion": (
        "des recrutements au pied des immeubles",
        "un chantier d'insertion",
        "un accompagnement renforcé vers l'emploi",
        "un groupement d'employeurs pour l'insertion",
        "des rencontres entre habitants et employeurs",
    ),
    "formation-qualification": (
        "un chantier-école qualifiant",
        "des cours de français à visée professionnelle",
        "une préparation aux métiers en tension",
        "un parcours en alternance",
        "une remise à niveau avant qualification",
    ),
    "ess": (
        "une ressourcerie",
        "une cantine coopérative",
        "une entreprise d'insertion",
        "un pôle de coopération de l'économie solidaire",
        "un restaurant associatif",
    ),
    "mobilite": (
        "un garage solidaire",
        "une plateforme de mobilité",
        "une auto-école associative",
        "une navette à la demande vers les zones d'emploi",
        "une vélo-école pour adultes",
    ),
    "numerique": (
        "une fabrique numérique",
        "un point de médiation numérique",
        "des ordinateurs reconditionnés pour les familles",
        "une formation aux métiers du numérique",
        "un camion de médiation numérique",
    ),
    "entreprises-quartiers": (
        "un club d'entreprises engagé",
        "du parrainage de jeunes par des cadres",
        "du mécénat de compétences",
        "des achats responsables auprès des TPE du quartier",
        "une bourse aux stages de troisième",
    ),
}
GENERIC_PHRASES = (
    "une action de développement économique",
    "un projet collectif de quartier",
    "une expérimentation locale",
)
SUBJECTS = (
    "Une association de quartier",
    "Un collectif d'habitants",
    "Une coopérative",
    "Une entreprise d'insertion",
    "Un centre social",
    "Une régie de quartier",
    "Un bailleur social",
    "Un groupement d'entreprises",
)
VERBS = ("propose", "anime", "développe", "expérimente", "a mis en place", "coordonne")
PLACES = (
    "au cœur du quartier",
    "en pied d'immeuble",
    "dans un ancien local commercial",
    "près de la station de tramway",
    "sur la place du marché",
    "dans les locaux du centre social",
)
PUBLICS = (
    "les habitants du quartier",
    "les jeunes de 16 à 25 ans",
    "les femmes éloignées de l'emploi",
    "les demandeurs d'emploi de longue durée",
    "les créateurs d'entreprise",
    "les familles monoparentales",
    "les seniors du quartier",
    "les personnes allophones",
)
SUMMARY_ENDINGS = (
    "L'action associe la Ville, le bailleur et les acteurs de l'emploi.",
    "Elle s'appuie sur un réseau de bénévoles et d'entreprises partenaires.",
    "Les premiers résultats ont conduit à l'étendre à d'autres quartiers.",
    "Le projet est piloté avec un comité d'habitants.",
    "Un accompagnement individuel complète l'action collective.",
)
CONTEXT_SENTENCES = (
    "Le quartier compte un taux de chômage deux fois supérieur à celui de l'agglomération.",
    "Les commerces et services de proximité ont fortement reculé ces dernières années.",
    "Beaucoup d'habitants ne fréquentent pas les dispositifs d'accompagnement existants.",
    "Les entreprises du bassin peinent à recruter alors que les candidats sont tout proches.",
    "Le programme de renouvellement urbain a ouvert une fenêtre pour agir.",
    "Les jeunes du quartier manquent de réseau professionnel.",
    "Plusieurs locaux en rez-de-chaussée étaient vacants depuis longtemps.",
    "Les femmes du quartier sont particulièrement éloignées de l'emploi.",
)
ACTION_SENTENCES = (
    "Un local a été aménagé et ouvert cinq jours par semaine.",
    "Des ateliers collectifs sont organisés chaque semaine avec les partenaires.",
    "Un référent suit chaque participant pendant toute la durée du parcours.",
    "Des entreprises partenaires accueillent des stagiaires et proposent des postes.",
    "Des permanences ont lieu dans les centres sociaux et sur les marchés.",
    "Les habitants participent à la gouvernance du projet.",
    "Une solution de garde d'enfants est proposée pendant les activités.",
    "Le projet mutualise équipements et locaux avec d'autres structures.",
)
RESULT_TEMPLATES = (
    "Environ {people} personnes ont été accompagnées depuis le lancement.",
    "{share} % des participants ont accédé à un emploi ou à une formation.",
    "{jobs} emplois ont été créés, en majorité occupés par des habitants.",
    "Le projet a atteint l'équilibre économique au bout de {years} ans.",
    "La fréquentation dépasse {people} passages par an.",
    "Les partenaires ont reconduit leur soutien pour {years} ans.",
)
REPLICATION_SENTENCES = (
    "Il faut associer les habitants dès la conception du projet.",
    "Un partenariat solide avec le bailleur facilite l'accès aux locaux.",
    "Prévoir au moins deux ans de financement de fonctionnement avant l'équilibre.",
    "La présence d'une personne dédiée à l'animation fait la différence.",
    "Le soutien des entreprises locales doit être recherché très tôt.",
    "Un diagnostic partagé avec les acteurs de l'emploi évite les doublons.",
)
PORTEUR_FIRST = ("Les Ateliers", "Le Comptoir", "La Fabrique", "Les Chemins", "La Maison", "Cap")
PORTEUR_SECOND = (
    "du Parc",
    "des Tilleuls",
    "du Plateau",
    "des Coteaux",
    "de la Source",
    "du Canal",
    "des Érables",
    "de la Butte",
)
PORTEUR_KINDS = (
    (PorteurKind.ASSOCIATION, 60),
    (PorteurKind.ENTREPRISE, 12),
    (PorteurKind.COOPERATIVE, 10),
    (PorteurKind.BAILLEUR, 6),
    (PorteurKind.COLLECTIVITE, 6),
    (PorteurKind.ETABLISSEMENT_PUBLIC, 4),
    (PorteurKind.AUTRE, 2),
)
PARTNERS = (
    "la Ville",
    "le bailleur social",
    "France Travail",
    "la mission locale",
    "la CCI",
    "la Chambre de métiers et de l'artisanat",
    "le centre social",
    "le Département",
    "des entreprises du bassin",
)
FUNDERS = (
    "État (crédits de la politique de la ville)",
    "Région",
    "Département",
    "agglomération",
    "Banque des Territoires",
    "Fonds social européen",
    "fondation d'entreprise",
)
STREETS = (
    "",
    "Rue des Tilleuls",
    "Allée des Acacias",
    "Place du Marché",
    "Avenue de la République",
    "Rue Jean-Jaurès",
    "Rue des Écoles",
)
THEME_COUNTS = (1, 1, 2, 2, 2, 3)


def _sentences(rng: random.Random, pool: tuple[str, ...]) -> str:
    return " ".join(rng.sample(pool, rng.randint(2, 3)))


def _results(rng: random.Random) -> str:
    templates = rng.sample(RESULT_TEMPLATES, rng.randint(2, 3))
    return " ".join(
        t.format(
            people=f"{rng.randrange(30, 3000, 10):,}".replace(",", " "),
            share=rng.randint(35, 80),
            jobs=rng.randint(2, 40),
            years=rng.randint(2, 4),
        )
        for t in templates
    )


def _next_synthetic_number(prefix: str) -> int:
    """The highest n among existing slugs `<prefix>n` (0 if none), in one query."""
    found = (
        Initiative.objects.filter(slug__regex=rf"^{prefix}[0-9]+$")
        .annotate(number=Cast(Substr("slug", len(prefix) + 1), IntegerField()))
        .aggregate(last=Max("number"))["last"]
    )
    return found or 0


def generate_initiatives(*, count: int, seed: int = 0, batch_size: int = 2000) -> int:
    """Insert `count` fictional published-or-draft initiatives in bulk; return how many.

    Slugs are `synthetique-<seed>-<n>`, numbered after the existing ones, so runs never
    collide; for a given seed and database the content is always the same. Communes are
    drawn weighted by population, coordinates are the département's prefecture plus about
    ±0.15°, and the centre is the one covering the département.
    """
    if count < 1:
        raise ValueError(_("Le nombre d'initiatives à générer doit être un entier positif."))
    if seed < 0:
        raise ValueError(_("La graine doit être un entier positif ou nul."))
    if batch_size < 1:
        raise ValueError(_("La taille des lots doit être un entier positif."))

    centres_xy = read_departement_centres()
    themes = list(Theme.objects.order_by("position", "slug").values_list("pk", "slug"))
    rows = list(
        Commune.objects.filter(departement_id__in=list(centres_xy)).values_list(
            "code", "departement_id", "population", "parent_id"
        )
    )
    if not themes or not rows:
        raise _reference_data_missing()
    # Paris, Lyon and Marseille are drawn through their arrondissements, not as a whole.
    parents = {parent for *_rest, parent in rows if parent}
    communes = [(code, dept, population) for code, dept, population, _p in rows]
    communes = [c for c in communes if c[0] not in parents]
    cumulative = list(accumulate(max(population or 0, 1) for _c, _d, population in communes))

    centre_by_departement: dict[str, int] = {}
    # Same rule as centre_for_commune: where several centres cover a département, the first
    # by name.
    for departement_id, centre_id in Centre.departements.through.objects.order_by(
        "centre__name", "centre_id"
    ).values_list("departement_id", "centre_id"):
        centre_by_departement.setdefault(departement_id, centre_id)

    prefix = f"{SYNTHETIC_SLUG_PREFIX}-{seed}-"
    through = Initiative.themes.through
    kinds = [kind for kind, _weight in PORTEUR_KINDS]
    kind_weights = [weight for _kind, weight in PORTEUR_KINDS]

    with transaction.atomic():
        start = _next_synthetic_number(prefix)
        rng = random.Random(f"pepites-synthetique:{seed}:{start}")
        total = cumulative[-1]
        created = 0
        new_pks: list[int] = []
        while created < count:
            size = min(batch_size, count - created)
            batch: list[Initiative] = []
            batch_themes: list[list[int]] = []
            for offset in range(size):
                number = start + created + offset + 1
                code, dept, _population = communes[bisect_right(cumulative, rng.random() * total)]
                chosen = rng.sample(themes, rng.choice(THEME_COUNTS))
                principal_pk, principal_slug = chosen[0]
                phrase = rng.choice(THEME_PHRASES.get(principal_slug, GENERIC_PHRASES))
                latitude, longitude = centres_xy[dept]
                published = rng.random() < SYNTHETIC_PUBLISHED_SHARE
                published_at = SYNTHETIC_PUBLISHED_FROM + timedelta(
                    seconds=rng.randrange(SYNTHETIC_PUBLISHED_SPAN_SECONDS)
                )
                batch.append(
                    Initiative(
                        uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                        slug=f"{prefix}{number}",
                        title=f"Initiative synthétique n° {number} — {phrase[0].upper()}{phrase[1:]}",
                        summary=(
                            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {phrase} "
                            f"{rng.choice(PLACES)} pour {rng.choice(PUBLICS)}. "
                            f"{rng.choice(SUMMARY_ENDINGS)}"
                        ),
                        context=_sentences(rng, CONTEXT_SENTENCES),
                        actions=_sentences(rng, ACTION_SENTENCES),
                        results=_results(rng),
                        replication=_sentences(rng, REPLICATION_SENTENCES),
                        porteur_name=f"{rng.choice(PORTEUR_FIRST)} {rng.choice(PORTEUR_SECOND)}",
                        porteur_kind=rng.choices(kinds, kind_weights)[0],
                        partners=", ".join(rng.sample(PARTNERS, rng.randint(2, 4))),
                        funders=", ".join(rng.sample(FUNDERS, rng.randint(1, 3))),
                        target_public=rng.choice(PUBLICS).capitalize(),
                        principal_theme_id=principal_pk,
                        start_year=rng.randint(2005, 2025),
                        is_running=rng.random() < 0.8,
                        commune_id=code,
                        address=rng.choice(STREETS),
                        latitude=round(
                            latitude
                            + rng.uniform(-SYNTHETIC_JITTER_DEGREES, SYNTHETIC_JITTER_DEGREES),
                            5,
                        ),
                        longitude=round(
                            longitude
                            + rng.uniform(-SYNTHETIC_JITTER_DEGREES, SYNTHETIC_JITTER_DEGREES),
                            5,
                        ),
                        centre_id=centre_by_departement.get(dept),
                        status=InitiativeStatus.PUBLISHED if published else InitiativeStatus.DRAFT,
                        is_demo=True,
                        published_at=published_at if published else None,
                        version=1,
                    )
                )
                batch_themes.append([pk for pk, _slug in chosen])
            Initiative.objects.bulk_create(batch, batch_size=batch_size)
            if any(initiative.pk is None for initiative in batch):
                # Backends that cannot return the new keys from a bulk insert.
                pks = dict(
                    Initiative.objects.filter(
                        slug__in=[initiative.slug for initiative in batch]
                    ).values_list("slug", "pk")
                )
                for initiative in batch:
                    initiative.pk = pks[initiative.slug]
            new_pks += [initiative.pk for initiative in batch]
            through.objects.bulk_create(
                [
                    through(initiative_id=initiative.pk, theme_id=theme_pk)
                    for initiative, theme_pks in zip(batch, batch_themes, strict=True)
                    for theme_pk in theme_pks
                ],
                batch_size=batch_size,
            )
            created += size
        # Bulk inserts skip save_initiative: place the new points against the QPV at once.
        place_initiatives(only_unplaced=True)
        index_initiatives(ids=new_pks)
    refresh_planner_statistics(table=Initiative._meta.db_table)
    return created
