"""`import` and `export`: the open data tools at the sizes the issue names, time and peak
memory (each step in a process of its own, its ru_maxrss)."""

from __future__ import annotations

import os
from pathlib import Path

from bench.common import Context, django_env, run_worker
from bench.registry import Row, register

IMPORT_ROWS = 10_000
EXPORT_ROWS = 100_000
MB = 1024 * 1024
MMAP_NOTE = (
    " On SQLite the resident set includes the database pages read through its memory map "
    "(`PRAGMA mmap_size`, 128 MB): it grows with the data read, not only with Python's objects."
)


def _size(target: int):
    # The real run uses the sizes; the smoke test (tiny --sizes) stays tiny.
    return lambda options: target if max(options.sizes) >= target else max(options.sizes)


MIN_UPDATE_ROWS_S = 500  # SQLite, at IMPORT_ROWS


def _update_targets(rows: list[Row], ctx: Context) -> list[Row]:
    for row in rows:
        if row["step"] != "update":
            continue
        if row["updated"] != row["size"]:
            ctx.target(f"{row['database']}: every row updated ({row['updated']:,})", False)
        if row["database"] == "sqlite" and row["size"] >= IMPORT_ROWS:
            ctx.target(
                f"sqlite: an update of {row['size']:,} rows at ≥ {MIN_UPDATE_ROWS_S} rows/s "
                f"({row['rows/s']:.0f}, {row['queries/row']:.2f} queries a row)",
                row["rows/s"] >= MIN_UPDATE_ROWS_S,
            )
    return rows


def _worker(task: str, args: dict, env: dict[str, str]) -> dict:
    return run_worker(task, args, env, timeout=7200, module="bench.opendata_worker")


@register(
    "import",
    title="Importing a centre's spreadsheet",
    description=(
        "A CSV made by the benchmark like the centres' files (Windows-1252, semicolons, "
        "French headers, decimal commas, month/year dates, communes by name and postal "
        "code, theme labels, a multi-line description), with coordinates so that nothing "
        "is geocoded. `check` is the preview (`--dry-run`: read, map, resolve, validate, "
        "nothing written); `import` writes every row in one transaction, in batches "
        "(`pepites/initiatives/imports/writer.py`: the stored result of `create_initiative` "
        "row by row, with the QPV placement and search indexing done once at the end); "
        "`re-import` reads the same file again (every row recognised, "
        "nothing written); `update` imports it with every row's description changed (every "
        "row an update of an existing initiative: `imports/updates.py`, in batches of 500 with "
        "a constant number of queries each; the target: at least "
        f"{MIN_UPDATE_ROWS_S} rows/s on SQLite at {IMPORT_ROWS:,} rows). `CPU s` is the "
        "importing process's processor time (on SQLite the database's work included): on a "
        "shared machine it moves much less than the wall time. Peak memory is the process's "
        "maximum resident set, `above start` its growth during the step." + MMAP_NOTE
    ),
    sized=False,
    fixed_size=_size(IMPORT_ROWS),
    finalize=lambda rows, ctx: _update_targets(rows, ctx),
)
def run_import(size: int, workdir: Path, ctx: Context) -> list[Row]:
    rows = []
    path = workdir / "centre.csv"
    for vendor in ctx.vendors():
        with ctx.database(vendor, workdir, f"import-{vendor}") as db:
            env = django_env(db, workdir / f"var-{vendor}")
            made = _worker(
                "make_import_file", {"rows": size, "path": str(path), "seed": ctx.options.seed}, env
            )
            for step, arguments in (
                ("check", {"dry_run": True}),
                ("import", {}),
                ("re-import", {}),
                ("update", {}),
            ):
                if step == "update":  # the same file, every row's description changed
                    changed = {"changed": " Mise à jour.", "seed": ctx.options.seed}
                    _worker("make_import_file", {"rows": size, "path": str(path), **changed}, env)
                ctx.log(f"{vendor}: {step} of {size:,} rows")
                result = _worker("import_file", {"path": str(path), **arguments}, env)
                if result["errors"]:
                    ctx.note(f"{vendor} {step}: {result['errors']}")
                rows.append(
                    {
                        "database": vendor,
                        "size": size,
                        "step": step,
                        "seconds": result["seconds"],
                        "rows/s": size / result["seconds"],
                        "CPU s": result["cpu_seconds"],
                        "peak memory (MB)": result["peak_mb"],
                        "above start (MB)": result["peak_mb"] - result["baseline_mb"],
                        "created": result["counts"]["create"] if step != "check" else 0,
                        "updated": result["counts"]["update"] if step != "check" else 0,
                        "unchanged": result["counts"]["unchanged"],
                        "queries/row": result["queries"] / size,
                    }
                )
            ctx.note(f"File: {size:,} rows, {made['bytes'] / MB:.1f} MB.")
    return rows


@register(
    "export",
    title="Exporting every published initiative",
    description=(
        "N synthetic initiatives (`generate_initiatives`, about 95 % published) exported "
        "by `pepites.initiatives.exports` to a file, as the /donnees/ views do: CSV and "
        "GeoJSON streamed by chunks of 2,000 rows, XLSX through openpyxl's write-only "
        "mode. Each format runs in its own process: peak memory is its own (maximum "
        "resident set)." + MMAP_NOTE
    ),
    sized=False,
    fixed_size=_size(EXPORT_ROWS),
)
def run_export(size: int, workdir: Path, ctx: Context) -> list[Row]:
    rows = []
    for vendor in ctx.vendors():
        with ctx.database(vendor, workdir, f"export-{vendor}") as db:
            env = django_env(db, workdir / f"var-{vendor}")
            ctx.log(f"{vendor}: generating {size:,} initiatives")
            run_worker("generate", {"count": size, "seed": ctx.options.seed}, env)
            for fmt in ("csv", "geojson", "xlsx"):
                ctx.log(f"{vendor}: export {fmt}")
                path = workdir / f"export.{fmt}"
                result = _worker("export_file", {"format": fmt, "path": str(path)}, env)
                rows.append(
                    {
                        "database": vendor,
                        "size": size,
                        "format": fmt,
                        "exported": result["rows"],
                        "seconds": result["seconds"],
                        "rows/s": result["rows"] / result["seconds"],
                        "file (MB)": path.stat().st_size / MB,
                        "peak memory (MB)": result["peak_mb"],
                        "above start (MB)": result["peak_mb"] - result["baseline_mb"],
                    }
                )
                os.remove(path)
    return rows
