"""The open data benchmarks' part that runs inside Django, one subprocess per measure, so
that the peak memory (ru_maxrss) is the measured step's own.

    python -m bench.opendata_worker TASK '{"json": "arguments"}'
"""

from __future__ import annotations

import csv
import io
import random
import resource
import time

from bench.worker import run_task

MB = 1024 * 1024


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the peak resident memory of this process so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_import_file(args: dict) -> dict:
    """A centre's spreadsheet of N rows as CSV: Windows-1252, semicolons, French headers,
    decimal commas, month/year dates, communes by name and postal code, theme labels."""
    from pepites.initiatives.models import Theme
    from pepites.territories.models import Commune

    rng = random.Random(f"opendata-import:{args.get('seed', 0)}")
    communes = [
        (name, codes[0])
        for name, codes in Commune.objects.exclude(postal_codes=[])
        .filter(kind="commune")
        .values_list("name", "postal_codes")
    ]
    rng.shuffle(communes)
    communes = communes[:3000]
    labels = list(Theme.objects.values_list("label", flat=True))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Nom du projet",
            "Porteur de projet",
            "Type de structure",
            "Description",
            "Thématique(s)",
            "Code postal",
            "Ville",
            "Latitude",
            "Longitude",
            "Année de démarrage",
            "Site web",
        ]
    )
    for number in range(1, args["rows"] + 1):
        name, postcode = communes[number % len(communes)]
        themes = rng.sample(labels, rng.choice((1, 1, 2)))
        writer.writerow(
            [
                f"Initiative n° {number} à {name}",
                f"Association {rng.choice(['des Tilleuls', 'du Canal', 'de la Butte'])} {number}",
                rng.choice(["Association", "SCOP", "Entreprise", "Collectivité"]),
                "Une action de développement économique ; deux phrases, "
                "dont une entre guillemets « comme ceci ».\nSur deux lignes."
                + args.get("changed", ""),
                " ; ".join(themes),
                postcode,
                name,
                f"{rng.uniform(43.0, 50.5):.5f}".replace(".", ","),
                f"{rng.uniform(-1.5, 7.5):.5f}".replace(".", ","),
                f"{rng.randint(1, 12):02d}/{rng.randint(2005, 2024)}",
                f"https://initiative-{number}.example.org",
            ]
        )
    data = buffer.getvalue().encode("cp1252", errors="replace")
    with open(args["path"], "wb") as handle:
        handle.write(data)
    return {"bytes": len(data)}


def import_file(args: dict) -> dict:
    """`run_import` of the file (no geocoding: the rows have their coordinates)."""
    from pepites.initiatives.imports.importer import ImportOptions, run_import
    from pepites.initiatives.models import Initiative

    with open(args["path"], "rb") as handle:
        data = handle.read()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    baseline = _rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        report = run_import(
            data,
            ImportOptions(
                filename="bench.csv",
                geocode=False,
                dry_run=args.get("dry_run", False),
                status="publiee",
            ),
        )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        # The process's own CPU time (the database's too on SQLite): on a loaded machine
        # it moves much less than the wall time.
        "cpu_seconds": time.process_time() - cpu_started,
        "queries": len(queries),
        "peak_mb": _rss_mb(),
        "baseline_mb": baseline,
        "counts": report.counts,
        "errors": [p.text() for p in report.errors[:5]],
        "committed": report.committed,
        "total": Initiative.objects.count(),
    }


def export_file(args: dict) -> dict:
    from pepites.initiatives import exports

    baseline = _rss_mb()
    started = time.perf_counter()
    queryset = exports.export_queryset()
    initiatives = exports.iter_initiatives(queryset)
    info = exports.export_info()
    with open(args["path"], "wb") as handle:
        if args["format"] == "csv":
            exports.write_csv(initiatives, handle)
        elif args["format"] == "geojson":
            for chunk in exports.iter_geojson(initiatives, info=info):
                handle.write(chunk.encode("utf-8"))
        else:
            exports.write_xlsx(initiatives, handle, info=info)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mb": _rss_mb(),
        "baseline_mb": baseline,
        "rows": queryset.count(),
    }


def build_open_data(_args: dict) -> dict:
    """The queued job's work: the three files of every published initiative, stored."""
    from pepites.initiatives.exports import files
    from pepites.initiatives.models import Initiative

    baseline = _rss_mb()
    started = time.perf_counter()
    build = files.build_files()
    slug = Initiative.objects.filter(status="publiee").values_list("slug", flat=True).first()
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": _rss_mb(),
        "baseline_mb": baseline,
        "sizes": build.sizes,
        "slug": slug,
    }


TASKS = {
    "build_open_data": build_open_data,
    "make_import_file": make_import_file,
    "import_file": import_file,
    "export_file": export_file,
}


if __name__ == "__main__":
    run_task(TASKS)
