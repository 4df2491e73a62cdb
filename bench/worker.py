"""The part of the benchmarks that runs inside Django, in a subprocess of its own.

    python -m bench.worker TASK '{"json": "arguments"}'

The environment (DATABASE_URL, PEPITES_VAR_DIR) chooses the throwaway database; the last
line printed is `BENCH-RESULT {json}`. Add a task by adding a function to TASKS.
"""

import io
import json
import os
import statistics
import sys
import time

RESULT_MARKER = "BENCH-RESULT "


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _timed(function, repeat: int = 1) -> tuple[float, object]:
    """Median wall time of `repeat` calls (seconds) and the last result."""
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def prepare(_args: dict) -> dict:
    """Migrate and load the reference data (COG, centres, themes)."""
    from django.core.management import call_command

    migrate_s, _ = _timed(lambda: call_command("migrate", interactive=False, verbosity=0))
    reference_s, _ = _timed(lambda: call_command("load_reference_data", stdout=io.StringIO()))
    return {"migrate_s": migrate_s, "reference_data_s": reference_s}


def generate(args: dict) -> dict:
    """Time `generate_initiatives`, then the sanity reads of the published initiatives."""
    from django.db import connection

    from pepites.initiatives.demo import generate_initiatives
    from pepites.initiatives.models import Initiative, InitiativeStatus

    load_s, created = _timed(
        lambda: generate_initiatives(count=args["count"], seed=args.get("seed", 0))
    )
    published = Initiative.objects.filter(status=InitiativeStatus.PUBLISHED)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Median of a few runs: the first one also pays for the cold cache.
    count_s, published_count = _timed(published.count, repeat=5)
    page_s, page = _timed(
        lambda: list(
            published.select_related("commune", "principal_theme").order_by("-published_at")[:50]
        ),
        repeat=5,
    )
    return {
        "load_s": load_s,
        "created": created,
        "total": Initiative.objects.count(),
        "published": published_count,
        "count_s": count_s,
        "page_s": page_s,
        "page_rows": len(page),
    }


def stress_setup(args: dict) -> dict:
    """Demo and synthetic content, a staff superuser, the initiatives the writers edit."""
    from django.contrib.auth import get_user_model

    from pepites.initiatives.demo import generate_initiatives, load_demo
    from pepites.initiatives.models import Initiative

    load_demo(only_if_empty=True)  # what `make setup` adds to an empty database
    generate_initiatives(count=args["count"], seed=args.get("seed", 0))
    get_user_model().objects.create_superuser(
        username=args["username"], email="bench@localhost", password=args["password"]
    )
    pks = list(Initiative.objects.order_by("pk").values_list("pk", flat=True)[: args["writers"]])
    # Published and placed: what the map shows (the `mapwrites` writers move them).
    shown = Initiative.objects.filter(status="publiee", latitude__isnull=False).order_by("pk")
    return {
        "pks": pks,
        "total": Initiative.objects.count(),
        "shown": list(shown.values_list("pk", "slug", "latitude")[: args.get("shown", 0)]),
    }


def mapdata(_args: dict) -> dict:
    """Build and store the map's data file of the database as it is; sizes and timings."""
    from django.utils import timezone

    from pepites.initiatives import mapbuild
    from pepites.initiatives import mapdata as module

    version = module.data_signature()
    build_s, built = _timed(lambda: module.build(version=version))
    store_s, stored = _timed(
        lambda: mapbuild._store(built, read_at=timezone.now(), seconds=build_s)
    )
    return {
        "published": built.count,
        "raw": len(built.raw),
        "gzip": len(stored.gzip),
        "br": len(stored.brotli),
        "build_s": build_s,
        "store_s": store_s,
        "version": version,
    }


TASKS = {
    "prepare": prepare,
    "generate": generate,
    "stress_setup": stress_setup,
    "mapdata": mapdata,
}


def run_task(tasks: dict) -> None:
    """The entry point of every worker module: `python -m MODULE TASK '{json}'` runs
    tasks[TASK] inside Django and prints its result on the marked last line."""
    task, raw_args = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    _setup_django()
    result = tasks[task](json.loads(raw_args))
    print(RESULT_MARKER + json.dumps(result), flush=True)


if __name__ == "__main__":
    run_task(TASKS)
