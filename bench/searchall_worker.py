"""The Django side of `bench.searchall`, in a subprocess:

    python -m bench.searchall_worker resources '{"count": 10000, "pages": 6, "seed": 0}'
    python -m bench.searchall_worker profile '{"queries": [...], "rounds": 3}'

`resources` creates N published resources through the library's service (`create_resource`:
slug, history, search document), then gives each the text of its pages as the extraction job
does (pages stored, then `index_resources`: the search document gets its body). No PDF is
written: the extraction itself is the `resources` benchmark's subject.
The last line printed is `BENCH-RESULT {json}` (see bench/worker.py).
"""

from __future__ import annotations

import random
import time

from bench.worker import run_task

# Words of the network's studies and guides (accents kept: the queries drop some).
WORDS = [
    "emploi",
    "insertion",
    "commerce",
    "proximité",
    "quartier",
    "habitants",
    "création",
    "activité",
    "entreprise",
    "accompagnement",
    "formation",
    "mobilité",
    "numérique",
    "économie",
    "sociale",
    "solidaire",
    "collectivité",
    "bailleur",
    "foncier",
    "cellule",
    "commerciale",
    "coopérative",
    "association",
    "partenaires",
    "financement",
    "jeunes",
    "femmes",
    "diagnostic",
    "territoire",
    "politique",
    "ville",
    "contrat",
    "évaluation",
    "indicateurs",
    "réseau",
    "centre",
    "ressources",
    "tiers-lieu",
    "épicerie",
    "garage",
    "recyclerie",
    "restauration",
    "couveuse",
    "chantier",
    "apprentissage",
    "compétences",
    "médiation",
    "santé",
    "logement",
    "transport",
    "culture",
]
# Found only inside the page text of a few resources (never in a title, a name or a summary).
PAGE_ONLY_WORD = "phalanstère"
PAGE_ONLY_EVERY = 500  # one resource in this many holds it, on its last page
TITLES = (
    "Étude sur {a} et {b} dans les quartiers",
    "Guide pratique : {a} et {b}",
    "Fiche expérience : {a} au service de {b}",
    "Compte rendu de la rencontre régionale {a} / {b}",
    "Synthèse des travaux sur {a}",
)
KINDS = ("etude", "guide", "fiche-experience", "compte-rendu", "synthese", "outil")


def _one_resource(number: int, rng: random.Random, refs: dict, pages: int) -> tuple[int, list]:
    from datetime import date

    from pepites.resources.services import create_resource

    a, b = rng.sample(WORDS, 2)
    resource = create_resource(
        title=rng.choice(TITLES).format(a=a, b=b) + f" ({number})",
        kind=KINDS[number % len(KINDS)],
        date=date(2015 + number % 11, 1 + number % 12, 1),
        centres=[refs["centres"][number % len(refs["centres"])]],
        themes=[refs["themes"][number % len(refs["themes"])]],
        summary=" ".join(rng.choice(WORDS) for _ in range(40)),
        authors=f"Centre de ressources {number % 20}",
        external_url=f"https://exemple.fr/ressources/{number}",
        status="published",
    )
    texts = [
        " ".join(rng.choice(WORDS) for _ in range(120)) + f" page{p}" for p in range(1, pages + 1)
    ]
    if number % PAGE_ONLY_EVERY == 0:
        texts[-1] += f" {PAGE_ONLY_WORD}"
    return resource.pk, texts


def resources(args: dict) -> dict:
    """N resources through `create_resource`, then their pages as the extraction job stores
    them and indexes them; by batches, one transaction each (as an import)."""
    from django.db import connection, transaction

    from pepites.initiatives.models import Theme
    from pepites.network.models import Centre
    from pepites.resources import indexing
    from pepites.resources.models import Resource, ResourcePage, TextStatus

    rng = random.Random(f"searchall:{args.get('seed', 0)}")
    refs = {
        "centres": list(Centre.objects.order_by("pk")),
        "themes": list(Theme.objects.order_by("pk")),
    }
    count, pages, batch = args["count"], args["pages"], 500
    create_s = pages_s = 0.0
    for start in range(0, count, batch):
        started = time.perf_counter()
        with transaction.atomic():
            made = [
                _one_resource(number, rng, refs, pages)
                for number in range(start, min(start + batch, count))
            ]
        create_s += time.perf_counter() - started
        started = time.perf_counter()
        with transaction.atomic():  # as reading.store_extraction does
            ResourcePage.objects.bulk_create(
                [
                    ResourcePage(resource_id=pk, number=n, text=text)
                    for pk, texts in made
                    for n, text in enumerate(texts, 1)
                ],
                batch_size=1000,
            )
            ids = [pk for pk, _texts in made]
            Resource.objects.filter(pk__in=ids).update(
                page_count=pages, text_status=TextStatus.EXTRACTED
            )
            indexing.index_resources(ids=ids)
        pages_s += time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "create_s": create_s,
        "pages_s": pages_s,
        "resources": Resource.objects.count(),
        "pages": ResourcePage.objects.count(),
    }


def profile(args: dict) -> dict:
    """In-process CPU time of the search box view and of the map's search, per query:
    the first call (nothing cached) and the next ones."""
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    cache.clear()
    result: dict = {}
    for path in args["paths"]:
        cold, warm = [], []
        for query in args["queries"]:
            for round_ in range(args.get("rounds", 3)):
                started = time.process_time()
                response = client.get(path, {"q": query})
                spent = (time.process_time() - started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{path}?q={query}: HTTP {response.status_code}")
                (cold if round_ == 0 else warm).append(spent)
        result[path] = {"cold_ms": cold, "warm_ms": warm}
    return result


if __name__ == "__main__":
    run_task({"resources": resources, "profile": profile})
