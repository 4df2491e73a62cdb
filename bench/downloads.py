"""`downloads`: the open-data CSV downloaded by ten clients at once, through the
deployment's nginx in front of the server that `make run` starts, while one visitor reads
an initiative page on that server: the stored file is sent as it is
(pepites/initiatives/exports/files.py), so the downloads must not slow the page down
(target: its p95 at most twice its idle value)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.common import Context, django_env, free_port, percentile, run_worker
from bench.registry import Row, register
from bench.stress import app_server
from tests.deploy.nginx import running_nginx  # the deployment test's own runner

DOWNLOADERS = 10
PAGE_REQUESTS = 60
MAX_LOADED_S = 120.0
MAX_RATIO = 2.0
TARGET_SIZE = 100_000
CSV_PATH = "/donnees/initiatives.csv"
CURL = shutil.which("curl")
MB = 1024 * 1024


def _page_latencies(
    base_url: str, path: str, until: Callable[[], bool] | None = None
) -> list[float]:
    """PAGE_REQUESTS sequential requests of `path`; with `until`, more until it is true
    (MAX_LOADED_S at most)."""
    latencies: list[float] = []
    stop_at = time.perf_counter() + MAX_LOADED_S
    with httpx.Client(base_url=base_url, timeout=60) as client:
        while len(latencies) < PAGE_REQUESTS or (
            until is not None and not until() and time.perf_counter() < stop_at
        ):
            started = time.perf_counter()
            response = client.get(path)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")
            time.sleep(0.05)
    return latencies


class Downloads:
    """DOWNLOADERS clients downloading the CSV again and again until stopped: curl
    processes when curl is there, so that ten downloads at full speed do not hold this
    process's interpreter lock while another thread times the page (a Python client
    reading 500 MB/s would add its own waits to the page's timings)."""

    def __init__(self, base_url: str) -> None:
        self.base_url, self.stop = base_url, threading.Event()
        self.done = self.bytes = self.errors = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run) for _ in range(DOWNLOADERS)]

    def _once_curl(self) -> tuple[bool, int]:
        assert CURL is not None
        try:
            url = self.base_url + CSV_PATH
            finished = subprocess.run(
                [CURL, "-s", "-o", os.devnull, "-w", "%{http_code} %{size_download}", url],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            status, size = finished.stdout.split()
        except (subprocess.TimeoutExpired, ValueError):
            return False, 0
        return status == "200", int(float(size))

    def _once_httpx(self, client: httpx.Client) -> tuple[bool, int]:
        try:
            with client.stream("GET", CSV_PATH) as response:
                size = sum(len(chunk) for chunk in response.iter_raw(256 * 1024))
            return response.status_code == 200, size
        except httpx.HTTPError:
            return False, 0

    def _run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=300) as client:
            while not self.stop.is_set():
                ok, size = self._once_curl() if CURL else self._once_httpx(client)
                with self.lock:
                    self.done += ok
                    self.errors += not ok
                    self.bytes += size if ok else 0

    def __enter__(self) -> Downloads:
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        time.sleep(1)  # every download under way
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        self.elapsed = time.perf_counter() - self.started


def _targets(rows: list[Row], ctx: Context) -> list[Row]:
    for row in rows:
        if row["phase"] == "idle" or row["size"] < TARGET_SIZE:
            continue
        ctx.target(
            f"{row['database']} at {row['size']:,}: the initiative page's p95 with "
            f"{DOWNLOADERS} CSV downloads ≤ {MAX_RATIO:g} × idle ({row['× idle']:.2f})",
            row["× idle"] <= MAX_RATIO,
        )
    if not any(row["size"] >= TARGET_SIZE for row in rows):
        ctx.note(f"Targets are set at {TARGET_SIZE:,} initiatives: not measured in this run.")
    return rows


@register(
    "downloads",
    title="Open-data downloads beside the pages",
    description=(
        "Synthetic initiatives (`generate_initiatives`); the open-data files built once as "
        "the queued job does (`files.build_files`, its time and peak memory reported); then "
        "Granian started as `make run` does serves sequential requests of an initiative "
        f"page ({PAGE_REQUESTS} idle), then while {DOWNLOADERS} clients (curl) download the "
        "whole CSV again and again through the deployment's nginx (deploy/nginx/: 20 MB/s a "
        "download, read from the application at that pace), for two whole "
        "rounds of downloads at least; the page is timed straight on Granian, whose cores "
        "the downloads share."
    ),
    finalize=_targets,
)
def run(size: int, workdir: Path, ctx: Context) -> list[Row]:
    rows: list[Row] = []
    static = {"STATIC_ROOT": str(workdir / "static"), "STATIC_MANIFEST": "false"}
    for vendor in ctx.vendors():
        with ctx.database(vendor, workdir, f"downloads-{vendor}") as db:
            var = workdir / f"var-{vendor}"
            env = django_env(db, var)
            ctx.log(f"downloads {vendor}: {size:,} initiatives")
            run_worker("generate", {"count": size, "seed": ctx.options.seed}, env)
            built = run_worker("build_open_data", {}, env, module="bench.opendata_worker")
            ctx.note(
                f"{vendor} {size:,}: the three files built in {built['seconds']:.1f} s, peak "
                f"memory {built['peak_mb']:.0f} MB ({built['peak_mb'] - built['baseline_mb']:.0f}"
                f" MB above start); CSV {built['sizes']['csv'] / MB:.1f} MB."
            )
            path = f"/initiatives/{built['slug']}/"
            with (
                app_server(db, var, workdir / f"server-{vendor}.log", **static) as base_url,
                running_nginx(
                    workdir / f"nginx-{vendor}",
                    free_port(),
                    [base_url.removeprefix("http://")] * 2,
                    workers="auto",
                ) as proxy_url,
            ):
                _page_latencies(base_url, path)[:1]  # warm up
                idle = _page_latencies(base_url, path)
                # The downloads as visitors make them (through the deployment's nginx); the
                # page timed straight on the application server, whose cores they share.
                with Downloads(proxy_url) as downloads:
                    # Two whole rounds of downloads at least.
                    loaded = _page_latencies(
                        base_url, path, until=lambda: downloads.done >= 2 * DOWNLOADERS
                    )
            idle_p95 = percentile(idle, 0.95)
            for phase, latencies in (("idle", idle), (f"{DOWNLOADERS} downloads", loaded)):
                p95 = percentile(latencies, 0.95)
                rows.append(
                    {
                        "database": vendor,
                        "size": size,
                        "phase": phase,
                        "page p50 (ms)": percentile(latencies, 0.5) * 1000,
                        "page p95 (ms)": p95 * 1000,
                        "× idle": p95 / idle_p95 if idle_p95 else None,
                        "downloads": downloads.done if phase != "idle" else 0,
                        "failed downloads": downloads.errors if phase != "idle" else 0,
                        "MB/s": downloads.bytes / MB / downloads.elapsed if phase != "idle" else 0,
                    }
                )
    return rows
