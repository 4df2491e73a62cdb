"""`loading`: what loading N synthetic initiatives costs, and whether reads stay cheap."""

from __future__ import annotations

from pathlib import Path

from bench.common import Context, django_env, run_worker
from bench.registry import Row, register

MB = 1024 * 1024


def _ratios(rows: list[Row], ctx: Context) -> list[Row]:
    """Per-initiative cost relative to the smallest size, and PostgreSQL relative to SQLite."""
    smallest: dict[str, Row] = {}
    for row in rows:
        if row["database"] not in smallest or row["size"] < smallest[row["database"]]["size"]:
            smallest[row["database"]] = row
    sqlite_by_size = {row["size"]: row for row in rows if row["database"] == "sqlite"}
    for row in rows:
        base = smallest[row["database"]]
        row["cost per initiative vs smallest size"] = (row["load (s)"] / row["size"]) / (
            base["load (s)"] / base["size"]
        )
        sqlite = sqlite_by_size.get(row["size"])
        if len(ctx.vendors()) > 1 and sqlite is not None:
            row["load time vs SQLite"] = row["load (s)"] / sqlite["load (s)"]
    for vendor, timings in ctx.prepare_timings.items():
        ctx.note(
            f"Reference data, loaded once into a template that each size copies ({vendor}): "
            f"migrate {timings['migrate_s']:.1f} s, load_reference_data "
            f"{timings['reference_data_s']:.1f} s."
        )
    return rows


@register(
    "loading",
    title="Loading synthetic initiatives",
    description=(
        "A fresh copy of a database holding the reference data (COG, centres, themes) gets N "
        "initiatives from `generate_initiatives(count=N, seed=0)`, timed in-process. "
        "`× reference data` divides that time by the `load_reference_data` time of the same "
        "run (a same-machine yardstick); the cost per initiative is relative to the "
        "smallest size. The sanity reads, medians of 5, are a `count()` of the published "
        "initiatives and the newest 50 of them ordered by `published_at`."
    ),
    finalize=_ratios,
)
def run(size: int, workdir: Path, ctx: Context) -> list[Row]:
    rows = []
    for vendor in ctx.vendors():
        with ctx.database(vendor, workdir, f"{vendor}-{size}") as db:
            before = db.size_bytes()
            ctx.log(f"{vendor}: generating {size:,} initiatives")
            result = run_worker(
                "generate",
                {"count": size, "seed": ctx.options.seed},
                django_env(db, workdir / "var"),
            )
            after = db.size_bytes()
        if result["created"] != size:
            ctx.note(f"{vendor}, {size:,}: generate_initiatives created {result['created']:,}.")
        reference_s = ctx.prepare_timings[vendor]["reference_data_s"]
        rows.append(
            {
                "database": vendor,
                "size": size,
                "load (s)": result["load_s"],
                "initiatives/s": size / result["load_s"],
                "× reference data": result["load_s"] / reference_s,
                "cost per initiative vs smallest size": None,  # filled in by _ratios
                **({"load time vs SQLite": None} if len(ctx.vendors()) > 1 else {}),
                "database (MB)": after / MB,
                "kB per initiative": (after - before) / 1024 / size,
                "published": result["published"],
                "count published (ms)": result["count_s"] * 1000,
                "page of 50 (ms)": result["page_s"] * 1000,
            }
        )
    return rows
