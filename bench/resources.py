"""`resources`: indexing the resource library's files — generated PDFs of 40 pages read by
the job queue (text per page, first-page preview, search index), time and peak memory."""

from __future__ import annotations

from pathlib import Path

from bench.common import Context, django_env, run_worker
from bench.registry import Row, register

DOCUMENTS = 2_000
PAGES = 40


def _size(options) -> int:
    # The 2,000 documents with the real sizes; the smoke test (tiny --sizes) stays tiny.
    return DOCUMENTS if max(options.sizes) >= 10_000 else max(2, min(options.sizes) // 10)


def _worker(task: str, args: dict, env: dict[str, str]) -> dict:
    return run_worker(task, args, env, timeout=7200, module="bench.resources_worker")


@register(
    "resources",
    title="Indexing the resource library's PDFs",
    description=(
        f"N generated PDFs of {PAGES} pages (about 2,500 characters a page, written by "
        "`pepites/resources/pdfwriter.py`) are uploaded through `create_resource` (type, "
        "size and active content checked, job queued): `create`. Then the queued jobs run "
        "as a worker runs them (`run_pending`): text of every page and preview of the "
        "first page (PDFium), search index: `extract`. Each step in a process of its own: "
        "peak memory is its maximum resident set, `above start` its growth. `find` is the "
        "time to find the document holding a word and the page of another word in it."
    ),
    sized=False,
    fixed_size=_size,
)
def run(size: int, workdir: Path, ctx: Context) -> list[Row]:
    rows = []
    for vendor in ctx.vendors():
        with ctx.database(vendor, workdir, f"resources-{vendor}") as db:
            env = django_env(db, workdir / f"var-{vendor}")
            ctx.log(f"{vendor}: creating {size:,} resources of {PAGES} pages")
            made = _worker("create", {"count": size, "pages": PAGES, "seed": ctx.options.seed}, env)
            ctx.log(f"{vendor}: extracting")
            done = _worker("extract", {}, env)
            found = _worker("find", {"number": size // 2, "page": PAGES - 3}, env)
        if done["extracted"] != size or done["pages"] != size * PAGES:
            ctx.note(f"{vendor}: {done['extracted']} of {size} extracted, {done['pages']} pages.")
        rows.append(
            {
                "database": vendor,
                "size": size,
                "PDF (MB)": made["mb"],
                "create (s)": made["create_s"],
                "create peak (MB)": made["peak_mb"],
                "extract (s)": done["seconds"],
                "ms per document": done["seconds"] * 1000 / size,
                "pages/s": done["pages"] / done["seconds"],
                "extract peak memory (MB)": done["peak_mb"],
                "above start (MB)": done["peak_mb"] - done["baseline_mb"],
                "find word + page (ms)": found["seconds"] * 1000,
            }
        )
    return rows
