"""A throwaway instance as a visitor meets it, for the HTTP benchmarks: a database of N
generated initiatives placed against 1,600 synthetic QPV outlines, served by Granian
exactly as `make serve` starts it, and the nginx yardsticks of the same run (the same
bytes as a static file; the deployment's nginx with its page cache in front).

    with populated_site(ctx, "sqlite", 10_000, workdir) as site:
        with serve(ctx, site, workdir / "server.log") as base_url: ...
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import Context, Database, django_env, run_worker
from bench.maps import nginx as static_nginx  # noqa: F401  (re-exported: the static yardstick)
from bench.placement import _outlines_for, write_geojson
from bench.stress import app_server


@dataclass
class Site:
    db: Database
    var_dir: Path
    info: dict  # what bench/site_worker.py populate returned (slugs, codes, timings)


@contextmanager
def populated_site(ctx: Context, vendor: str, size: int, workdir: Path) -> Iterator[Site]:
    """A fresh copy of the run's reference template, filled; dropped afterwards."""
    db = ctx.fresh_database(vendor, workdir, f"site-{vendor}")
    var_dir = workdir / f"var-{vendor}"
    try:
        outlines = workdir / "qpv.geojson"
        if not outlines.exists():
            write_geojson(_outlines_for(ctx.options.seed), outlines)
        ctx.log(f"{vendor}: 1,600 QPV outlines and {size:,} initiatives")
        info = run_worker(
            "populate",
            {"count": size, "seed": ctx.options.seed, "outlines": str(outlines)},
            django_env(db, var_dir),
            module="bench.site_worker",
        )
        yield Site(db=db, var_dir=var_dir, info=info)
    finally:
        db.drop()


@contextmanager
def serve(ctx: Context, site: Site, log_path: Path, **env: str) -> Iterator[str]:
    """Granian as `make serve` starts it (static files collected as `make setup` does),
    every worker process past its first request before the base URL is handed out."""
    if ctx.options.collect_static:
        env.setdefault("STATIC_ROOT", str(ctx.static_root()))
    else:
        env.setdefault("STATIC_ROOT", str(log_path.parent / "static"))
        env.setdefault("STATIC_MANIFEST", "false")
    with app_server(site.db, site.var_dir, log_path, **env) as base_url:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda _n: httpx.get(base_url + "/", timeout=120), range(16)))
        yield base_url


@contextmanager
def page_cache(folder: Path, base_url: str) -> Iterator[str]:
    """The deployment's nginx (deploy/nginx/, page cache on) in front of `base_url`."""
    from bench.common import free_port
    from tests.deploy.nginx import running_nginx  # the deployment test's own runner

    address = base_url.removeprefix("http://")
    # One worker per core, as Debian's nginx.conf (the tests' runner starts one).
    with running_nginx(folder, free_port(), [address, address], workers="auto") as proxy_url:
        yield proxy_url
