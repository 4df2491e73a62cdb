"""The Django side of `bench.site` (a populated throwaway instance), in a subprocess:

    python -m bench.site_worker populate '{"count": N, "seed": 0, "outlines": "qpv.geojson"}'

The last line printed is `BENCH-RESULT {json}` (see bench/worker.py).
"""

import time
from pathlib import Path

from bench.worker import run_task


def _populate(args: dict) -> dict:
    """Synthetic QPV outlines, then N generated initiatives (placed against them), then the
    planner's statistics, as after any bulk load. Returns what the benchmarks ask for."""
    from django.db import connection
    from django.db.models import Count

    from pepites.initiatives.demo import generate_initiatives
    from pepites.initiatives.models import Initiative, InitiativeQpv, InitiativeStatus
    from pepites.territories.models import Qpv
    from pepites.territories.qpv_files import read_qpv_file
    from pepites.territories.services import import_qpv

    started = time.perf_counter()
    if args.get("outlines"):
        import_qpv(data=read_qpv_file(Path(args["outlines"])))
    outlines_s = time.perf_counter() - started
    started = time.perf_counter()
    generate_initiatives(count=args["count"], seed=args.get("seed", 0))
    generate_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # What the queued jobs would build after such a load (the map's data, the open-data
    # files, minutes at 100,000): built now, so that the measures find the steady state
    # rather than a worker busy beside the server.
    from pepites.initiatives import mapbuild
    from pepites.initiatives.exports.files import build_files

    started = time.perf_counter()
    mapbuild.build_latest()
    build_files()
    built_s = time.perf_counter() - started
    published = Initiative.objects.filter(status=InitiativeStatus.PUBLISHED)
    sample = published.select_related("centre", "principal_theme").order_by("pk")[
        published.count() // 2
    ]
    busiest_centre = (
        published.exclude(centre=None)
        .values("centre__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "centre__slug")
        .values_list("centre__slug", flat=True)
        .first()
    )
    busiest_qpv = (
        InitiativeQpv.objects.values("qpv_code")
        .annotate(n=Count("initiative"))
        .order_by("-n", "qpv_code")
        .values_list("qpv_code", flat=True)
        .first()
    )
    return {
        "outlines_s": outlines_s,
        "generate_s": generate_s,
        "built_s": built_s,
        "published": published.count(),
        "initiative_slug": sample.slug,
        "centre_slug": busiest_centre or "",
        "theme_slug": sample.principal_theme.slug if sample.principal_theme else "",
        "departement": sample.commune.departement_id,
        "region": sample.commune.region_id,
        "qpv_code": busiest_qpv or Qpv.objects.order_by("code").values_list("code", flat=True)[0],
    }


if __name__ == "__main__":
    run_task({"populate": _populate})
