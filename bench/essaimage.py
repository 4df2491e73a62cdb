"""`essaimage`: the impact dashboard's queries and the weekly digest of the saved searches.

python -m bench --only essaimage [--sizes 100000] [--postgres URL]
"""

from __future__ import annotations

from pathlib import Path

from bench.common import Context, django_env, percentile, run_worker
from bench.registry import Row, register

TARGET_SIZE = 100_000
TARGET_P95_MS = 200.0
ROUNDS = 20
SUBSCRIPTIONS = 10_000


def _targets(rows: list[Row], ctx: Context) -> list[Row]:
    measured = False
    for row in rows:
        if row["size"] < TARGET_SIZE or row["measure"] != "dashboard (all variants)":
            continue
        measured = True
        ctx.target(
            f"impact dashboard p95 < {TARGET_P95_MS:.0f} ms ({row['database']}, "
            f"{row['size']:,} initiatives, {row['requests']:,} requests: {row['p95 (ms)']:.1f} ms)",
            row["p95 (ms)"] < TARGET_P95_MS,
        )
    if not measured:
        ctx.note(f"Targets are set at {TARGET_SIZE:,} initiatives: not measured in this run.")
    return rows


@register(
    "essaimage",
    title="Essaimage: impact dashboard and weekly digest",
    description=(
        "A fresh database with the reference data gets N initiatives "
        '(`generate_initiatives`), N/2 requests "M\'en inspirer" (random states, dates over '
        "three years, bulk-inserted, then their dashboard tally rebuilt by "
        '`rebuild_impact_tally`) and N/50 "inspirée de" links. `impact()` (every '
        "figure of /impact/) runs for four filter variants (whole network, one centre, one "
        f"theme, one centre and one year), {ROUNDS} rounds after 2 warm-up rounds. Then "
        f"{SUBSCRIPTIONS:,} confirmed subscriptions over a few hundred distinct searches "
        "(theme × QPV relation × département) get their weekly digest (`send_digests`, 1% "
        "of the initiatives published that week): time and peak Python memory (tracemalloc); "
        "each message is queued as a job, not sent."
    ),
    finalize=_targets,
)
def run(size: int, workdir: Path, ctx: Context) -> list[Row]:
    rows: list[Row] = []
    requests = size // 2
    for vendor in ctx.vendors():
        with ctx.database(vendor, workdir, f"{vendor}-{size}") as db:
            ctx.log(f"{vendor}: {size:,} initiatives, {requests:,} requests")
            result = run_worker(
                "measure",
                {
                    "count": size,
                    "requests": requests,
                    "seed": ctx.options.seed,
                    "rounds": ROUNDS,
                    "subscriptions": min(SUBSCRIPTIONS, size),
                },
                django_env(db, workdir / "var"),
                module="bench.essaimage_worker",
            )
        every: list[float] = []
        for name, samples in result["dashboard"].items():
            every += samples
            rows.append(_row(vendor, size, requests, f"dashboard: {name}", samples))
        rows.append(_row(vendor, size, requests, "dashboard (all variants)", every))
        digest = result["digest"]
        rows.append(
            {
                "database": vendor,
                "size": size,
                "requests": requests,
                "measure": f"digest of {digest['subscriptions']:,} subscriptions "
                f"({digest['searches']} searches, {digest['sent']:,} e-mails queued)",
                "p50 (ms)": None,
                "p95 (ms)": None,
                "total (s)": round(digest["seconds"], 2),
                "peak memory (MB)": round(digest["peak_mb"], 1),
            }
        )
        ctx.note(
            f"{vendor}, {size:,}: initiatives generated in {result['generate_s']:.1f} s, "
            f"{requests:,} requests in {result['requests_s']:.1f} s, "
            f"their tally rebuilt in {result['tally_s']:.1f} s."
        )
    return rows


def _row(vendor: str, size: int, requests: int, measure: str, samples: list[float]) -> Row:
    return {
        "database": vendor,
        "size": size,
        "requests": requests,
        "measure": measure,
        "p50 (ms)": round(percentile(samples, 0.50) * 1000, 1),
        "p95 (ms)": round(percentile(samples, 0.95) * 1000, 1),
        "total (s)": None,
        "peak memory (MB)": None,
    }
