"""`pages`: the public pages as a visitor meets them, over HTTP, against the server that
`make serve` starts, on a database of N generated initiatives and 1,600 QPV (bench/site.py).

For each path: p50 and p95 of sequential requests (one keep-alive client; the search
paths cycle through QUERIES), and requests per second with 16 clients (wrk). The
yardsticks are measured in the same run: `/healthz` (the framework's floor), nginx serving
the home page's very bytes as a static file, the home page through the deployment's nginx
with its page cache (deploy/nginx/), and 304 revalidations of the home page on Granian
and on nginx.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from bench.common import Context, load_average, percentile
from bench.maps import ensure_tools, wrk
from bench.registry import Row, register
from bench.site import page_cache, populated_site, serve, static_nginx

SEQUENTIAL = 20
CLIENTS = 16
WRK_SECONDS = 3
# Very common words, two-word queries, missing accents, typos, no match.
QUERIES = (
    "emploi",
    "quartier",
    "epicerie",
    "épicerie solidaire",
    "garage solidaire",
    "insertion",
    "jeunes",
    "numerique",
    "mobilité",
    "creation entreprise",
    "restauration",
    "formation professionnelle",
    "commerce",
    "femmes",
    "tiers-lieu",
    "recyclerie",
    "couveuse",
    "accompagnement emploi",
    "epicerei",
    "solidiare",
    "mobilte",
    "xylophone quantique",
)
SEARCH_P95_MS = 30.0
PAGE_P95_MS = 60.0
GAPS_P95_MS = 200.0
MIN_304_RATIO = 0.30
MIN_CACHED_RATIO = 0.50


NOTES = (
    "The totals that read every matching published initiative (list pages, API) and the "
    "gaps report are kept per version of the public data (pepites/core/dataversion.py): "
    "without writes during the run, each app server process computes them once; after a "
    "write, the first request to each process computes them again.",
    "The search paths go through the search engine as it stands in this commit; the "
    "`search` benchmark keeps its selector-level table, its target is the one here.",
    "`server CPU` counts every process of the server, its embedded job worker included "
    "(idle, it polls the queue); on a machine with far more runnable processes than CPUs, "
    "it is the figure that moves least with the load, the latencies the most.",
    "nginx's page cache is the deployment's configuration (deploy/nginx/) in an nginx.conf "
    "as Debian's (a worker per CPU, sendfile, access log on); the static yardstick has a "
    "worker per CPU and no access log.",
)


def _paths(info: dict) -> list[tuple[str, list[str], float]]:
    """(label, URLs cycled through, p95 target in ms)."""
    search = [f"/carte/recherche?q={quote(q)}" for q in QUERIES]
    home_search = [f"/?q={quote(q)}" for q in QUERIES]
    return [
        ("/", ["/"], PAGE_P95_MS),
        (
            "/ with filters",
            [
                f"/?thematique={info['theme_slug']}&departement={info['departement']}",
                f"/?region={info['region']}&relation=dans",
                f"/?thematique={info['theme_slug']}&page=3",
            ],
            PAGE_P95_MS,
        ),
        ("/?q= (22 queries)", home_search, PAGE_P95_MS),
        ("/carte/recherche?q= (22 queries)", search, SEARCH_P95_MS),
        ("theme page", [f"/thematiques/{info['theme_slug']}/"], PAGE_P95_MS),
        ("centre page", [f"/centres/{info['centre_slug']}/"], PAGE_P95_MS),
        ("QPV page with its context card", [f"/quartiers/{info['qpv_code']}/"], PAGE_P95_MS),
        ("/initiatives/<slug>/", [f"/initiatives/{info['initiative_slug']}/"], PAGE_P95_MS),
        ("feed: all", ["/flux/initiatives.atom"], PAGE_P95_MS),
        ("feed: theme", [f"/flux/thematiques/{info['theme_slug']}.atom"], PAGE_P95_MS),
        ("feed: département", [f"/flux/departements/{info['departement']}.atom"], PAGE_P95_MS),
        ("/api/v1/initiatives", ["/api/v1/initiatives"], PAGE_P95_MS),
        ("/territoires/manques/", ["/territoires/manques/"], GAPS_P95_MS),
        ("/territoires/manques.csv", ["/territoires/manques.csv?table=qpv"], GAPS_P95_MS),
    ]


def server_cpu_seconds(base_url: str) -> float:
    """Processor time used so far by the app server's processes (those started with
    PEPITES_BIND at this address): on a loaded machine, what a request costs, whatever
    it waited for."""
    bind = f"PEPITES_BIND={base_url.removeprefix('http://')}".encode()
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if bind not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone, or not ours
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def sequential(client: httpx.Client, urls: list[str], count: int) -> tuple[list[float], int]:
    """Latencies (s) of `count` requests cycling through `urls` (at least one round), after
    one warm-up request each; and the size of the last answer."""
    for url in urls:
        client.get(url)
    latencies, size = [], 0
    for n in range(max(count, len(urls))):
        url = urls[n % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - started)
        if response.status_code not in (200, 304):
            raise RuntimeError(f"{url}: HTTP {response.status_code}\n{response.text[:500]}")
        size = len(response.content)
    return latencies, size


def _row(db: str, size: int, label: str, latencies: list[float], rate: float, **extra) -> Row:
    return {
        "database": db,
        "size": size,
        "request": label,
        "p50 (ms)": percentile(latencies, 0.5) * 1000 if latencies else None,
        "p95 (ms)": percentile(latencies, 0.95) * 1000 if latencies else None,
        f"req/s, {CLIENTS} clients": rate,
        "load avg": load_average(),
        **extra,
    }


def _measure_site(ctx: Context, vendor: str, size: int, workdir: Path) -> list[Row]:
    rows: list[Row] = []
    with populated_site(ctx, vendor, size, workdir) as site:
        ctx.log(
            f"{vendor} {size:,}: generated in {site.info['generate_s']:.0f} s "
            f"({site.info['published']:,} published)"
        )
        with (
            serve(ctx, site, workdir / f"server-{vendor}.log") as base_url,
            httpx.Client(base_url=base_url, timeout=60) as client,
        ):
            for label, urls, target in _paths(site.info):
                cpu = server_cpu_seconds(base_url)
                latencies, body = sequential(client, urls, SEQUENTIAL)
                cpu_ms = (server_cpu_seconds(base_url) - cpu) * 1000 / (len(latencies) + len(urls))
                rate = wrk(base_url + urls[0], {}, connections=CLIENTS, seconds=WRK_SECONDS)
                row = _row(
                    vendor,
                    size,
                    label,
                    latencies,
                    rate,
                    **{"server CPU (ms/request)": cpu_ms},
                    bytes=body,
                    target=target,
                )
                ctx.log(f"{vendor} {size:,} {label}: p95 {row['p95 (ms)']:.1f} ms")
                rows.append(row)
            rows += _yardsticks(ctx, vendor, size, workdir, base_url, client)
    return rows


def _yardsticks(
    ctx: Context, vendor: str, size: int, workdir: Path, base_url: str, client: httpx.Client
) -> list[Row]:
    rows = []
    latencies, _ = sequential(client, ["/healthz"], SEQUENTIAL)
    rate = wrk(base_url + "/healthz", {}, connections=CLIENTS, seconds=WRK_SECONDS)
    rows.append(_row(vendor, size, "/healthz (yardstick)", latencies, rate))
    home = client.get("/")
    etag = home.headers["ETag"]
    page = workdir / f"home-{vendor}.html"
    page.write_bytes(home.content)
    revalidate = {"If-None-Match": etag}
    granian_304 = wrk(base_url + "/", revalidate, connections=CLIENTS, seconds=WRK_SECONDS)
    static = "/accueil.html"  # not "/": nginx would look for an index there
    with static_nginx(
        workdir / f"nginx-static-{vendor}",
        page,
        path=static,
        content_type="text/html",
        encoding=None,
    ) as nginx_url:
        with httpx.Client(base_url=nginx_url) as static_client:
            latencies, _ = sequential(static_client, [static], SEQUENTIAL)
            nginx_etag = static_client.get(static).headers["ETag"]
        static_rate = wrk(nginx_url + static, {}, connections=CLIENTS, seconds=WRK_SECONDS)
        nginx_304 = wrk(
            nginx_url + static,
            {"If-None-Match": nginx_etag},
            connections=CLIENTS,
            seconds=WRK_SECONDS,
        )
    rows.append(
        _row(vendor, size, "nginx, the home page's bytes (yardstick)", latencies, static_rate)
    )
    with page_cache(workdir / f"nginx-cache-{vendor}", base_url) as proxy_url:
        with httpx.Client(base_url=proxy_url) as proxy_client:
            latencies, _ = sequential(proxy_client, ["/"], SEQUENTIAL)
        cached_rate = wrk(proxy_url + "/", {}, connections=CLIENTS, seconds=WRK_SECONDS)
    rows.append(
        _row(
            vendor,
            size,
            "/ through nginx's page cache",
            latencies,
            cached_rate,
            **{"vs nginx static": cached_rate / static_rate},
        )
    )
    rows.append(
        _row(
            vendor,
            size,
            "/ 304 on Granian",
            [],
            granian_304,
            **{"vs nginx 304": granian_304 / nginx_304},
        )
    )
    rows.append(_row(vendor, size, "/ 304 on nginx (yardstick)", [], nginx_304))
    return rows


def _targets(rows: list[Row], ctx: Context) -> list[Row]:
    for row in rows:
        where = f"{row['database']} {row['size']:,}"
        if row.get("target") is not None and row.get("p95 (ms)") is not None:
            ok = row["p95 (ms)"] < row["target"]
            row["ok"] = "yes" if ok else "NO"
            ctx.target(
                f"{where} {row['request']}: p95 < {row['target']:g} ms ({row['p95 (ms)']:.1f})", ok
            )
        if "vs nginx 304" in row:
            ok = row["vs nginx 304"] >= MIN_304_RATIO
            ctx.target(
                f"{where} 304 on Granian ≥ {MIN_304_RATIO:.0%} of nginx's "
                f"({row['vs nginx 304']:.0%})",
                ok,
            )
        if "vs nginx static" in row:
            ok = row["vs nginx static"] >= MIN_CACHED_RATIO
            ctx.target(
                f"{where} / through the page cache ≥ {MIN_CACHED_RATIO:.0%} of nginx static "
                f"({row['vs nginx static']:.0%})",
                ok,
            )
    return rows


@register(
    "pages",
    title="The public pages over HTTP",
    description=(
        "Granian started as `make serve` does (config/server.py, "
        f"WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '3')}) on a database of N "
        "generated initiatives placed against 1,600 synthetic QPV (bench/site.py). "
        f"p50/p95: {SEQUENTIAL} sequential requests per path after a warm-up (the search "
        f"paths: each of the {len(QUERIES)} queries once: common words, two words, missing "
        f"accents, typos, no match); req/s: wrk, {CLIENTS} connections, {WRK_SECONDS} s, "
        "on the first URL. Uncached: every request reaches the application (no If-None-Match). "
        "Yardsticks in the same run: `/healthz`, nginx serving the home page's bytes as a "
        "static file, the home page through the deployment's nginx page cache, and 304 "
        "revalidations of the home page on Granian and on nginx. `load avg`: the machine's "
        "1-minute load average after the path; `server CPU`: the processor time the app "
        "server's processes used per request during the sequential requests (what a request "
        "costs on a loaded machine, whatever it waited for)."
    ),
    finalize=_targets,
)
def run(size: int, workdir: Path, ctx: Context) -> list[Row]:
    ensure_tools(ctx)
    for note in NOTES:
        ctx.note(note)
    rows: list[Row] = []
    for vendor in ctx.vendors():
        rows += _measure_site(ctx, vendor, size, workdir)
    return rows
