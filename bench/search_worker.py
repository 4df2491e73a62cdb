"""The Django side of the `search` benchmark, in a subprocess of its own:

    python -m bench.search_worker measure '{"count": N, "seed": 0, "queries": [...]}'

The last line printed is `BENCH-RESULT {json}` (see bench/worker.py).
"""

import json
import random
import time

from bench.worker import run_task

WARMUP_ROUNDS = 3


def _index_bytes() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('search_document')"
                " + pg_total_relation_size('search_lexicon')"
            )
            return cursor.fetchone()[0]
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search\\_%' ESCAPE '\\'"
            )
        except Exception:  # SQLite built without the dbstat table
            return None
        return cursor.fetchone()[0]


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _measure(args: dict) -> dict:
    from pepites.initiatives.demo import generate_initiatives
    from pepites.initiatives.models import Initiative
    from pepites.initiatives.search_documents import index_initiatives
    from pepites.initiatives.selectors import search_initiative_ids

    started = time.perf_counter()
    generate_initiatives(count=args["count"], seed=args["seed"])
    generate_s = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    indexed = index_initiatives()
    rebuild_s = time.perf_counter() - started
    rebuild_cpu_s = time.process_time() - cpu_started
    _analyze()

    queries: list[str] = args["queries"]
    limit = args["limit"]
    matches = {q: len(search_initiative_ids(query=q, limit=None)) for q in queries}
    pks = list(Initiative.objects.values_list("pk", flat=True))
    rng = random.Random(args["seed"])

    def lookup() -> None:
        Initiative.objects.filter(pk=rng.choice(pks)).values_list("title", flat=True).first()

    samples: dict[str, list[float]] = {q: [] for q in queries}
    baseline: list[float] = []
    # Rounds interleave the queries and the primary-key lookups: both see the same noise.
    for round_number in range(WARMUP_ROUNDS + args["rounds"]):
        for query in queries:
            started = time.perf_counter()
            search_initiative_ids(query=query, limit=limit)
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            lookup()
            lookup_elapsed = time.perf_counter() - started
            if round_number >= WARMUP_ROUNDS:
                samples[query].append(elapsed)
                baseline.append(lookup_elapsed)
    ids_all, page, bytes_per_match = _paths(queries, args.get("path_rounds", 15))
    return {
        "ids_all": ids_all,
        "page": page,
        "bytes_per_match": bytes_per_match,
        "generate_s": generate_s,
        "rebuild_s": rebuild_s,
        "rebuild_cpu_s": rebuild_cpu_s,
        "indexed": indexed,
        "index_bytes": _index_bytes(),
        "matches": matches,
        "samples": samples,
        "baseline": baseline,
    }


def _paths(queries: list[str], rounds: int) -> tuple[dict, dict, dict]:
    """The two paths a visitor takes, in process: the map's search (every match, as
    /carte/recherche encodes and compresses them) and the HTML page with `?q=` (Django's
    test client: middleware, view and template, no HTTP)."""
    from django.test import Client
    from django.utils.text import compress_string

    from pepites.initiatives.selectors import filter_published_initiatives
    from pepites.web.initiatives.idlists import delta_encode

    def map_answer(query: str) -> tuple[int, int]:
        ids = filter_published_initiatives(query=query).ids()
        body = json.dumps({"count": len(ids), "ids_delta": delta_encode(ids)}).encode()
        return len(ids), len(compress_string(body))

    client = Client(HTTP_HOST="localhost")
    ids_all: dict[str, list[float]] = {q: [] for q in queries}
    page: dict[str, list[float]] = {q: [] for q in queries}
    sizes: dict[str, float | None] = {}
    for round_number in range(WARMUP_ROUNDS + rounds):
        for query in queries:
            started = time.perf_counter()
            count, size = map_answer(query)
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            response = client.get("/", {"q": query})
            page_elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            if round_number >= WARMUP_ROUNDS:
                ids_all[query].append(elapsed)
                page[query].append(page_elapsed)
            sizes[query] = size / count if count else None
    return ids_all, page, sizes


if __name__ == "__main__":
    run_task({"measure": _measure})
