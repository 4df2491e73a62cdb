"""The resource library benchmark's part inside Django, one subprocess per step, so that
the peak memory (ru_maxrss) is the step's own.

    python -m bench.resources_worker TASK '{"json": "arguments"}'
"""

from __future__ import annotations

import io
import random
import resource
import time

from bench.worker import run_task

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
]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name, self.size = name, len(data)


def create(args: dict) -> dict:
    """N resources, each with a generated PDF of `pages` pages of French-like text (about
    2,500 characters a page), created through the service (file checked, job queued)."""
    from datetime import date

    from pepites.network.models import Centre
    from pepites.resources.pdfwriter import text_pdf
    from pepites.resources.services import create_resource

    rng = random.Random(f"resources:{args.get('seed', 0)}")
    centres = list(Centre.objects.order_by("pk"))
    baseline = _rss_mb()
    pdf_s = create_s = 0.0
    total_bytes = 0
    for number in range(args["count"]):
        pages = [
            " ".join(rng.choice(WORDS) for _ in range(330)) + f" document{number} page{p}"
            for p in range(1, args["pages"] + 1)
        ]
        started = time.perf_counter()
        data = text_pdf(pages, title=f"Étude {number}")
        pdf_s += time.perf_counter() - started
        total_bytes += len(data)
        started = time.perf_counter()
        create_resource(
            title=f"Étude de banc d'essai {number}",
            kind="etude",
            date=date(2020 + number % 6, 1 + number % 12, 1),
            centres=[centres[number % len(centres)]],
            status="published",
            upload=_Upload(data, "etude.pdf"),
        )
        create_s += time.perf_counter() - started
    return {
        "pdf_s": pdf_s,
        "create_s": create_s,
        "mb": total_bytes / 1024 / 1024,
        "peak_mb": _rss_mb(),
        "baseline_mb": baseline,
    }


def extract(args: dict) -> dict:
    """Run the queued extraction jobs as a worker does: text per page, preview, index."""
    from pepites.core.jobs.worker import run_pending
    from pepites.resources.models import ResourcePage, TextStatus

    baseline = _rss_mb()
    started = time.perf_counter()
    ran = run_pending()
    seconds = time.perf_counter() - started
    from pepites.resources.models import Resource

    return {
        "seconds": seconds,
        "jobs": ran,
        "extracted": Resource.objects.filter(text_status=TextStatus.EXTRACTED).count(),
        "pages": ResourcePage.objects.count(),
        "peak_mb": _rss_mb(),
        "baseline_mb": baseline,
    }


def find(args: dict) -> dict:
    """Which page holds a word of one document: the search, then the page lookup."""
    from pepites.resources.selectors import pages_matching
    from pepites.search.selectors import search_ids

    word = f"document{args['number']}"
    started = time.perf_counter()
    ids = search_ids(query=word, kind="resource", limit=10)
    pages = pages_matching(resource_ids=ids, query=f"{word} page{args['page']}")
    return {"seconds": time.perf_counter() - started, "ids": len(ids), "pages": pages}


TASKS = {"create": create, "extract": extract, "find": find}


if __name__ == "__main__":
    run_task(TASKS)
