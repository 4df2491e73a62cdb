"""The public map at scale: its data file, serving it, and the browser.

- `mapdata`: bytes per initiative of the map's data file (gzip, brotli) and its build time;
- `mapserve`: requests per second of the application server started as `make run` does
  (Granian, config/server.py) for that file, 200 and 304, against nginx serving the same
  bytes as a static file, both measured with wrk on loopback in the same run (gunicorn,
  the server first chosen, runs the same application for comparison);
- `mapbrowser`: headless Debian Chromium (every non-local request refused, so no tiles)
  until the markers and the first page of the list are shown, then panning and zooming.

The three share one database per size, filled once by `generate_initiatives`.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlparse

import httpx

from bench.common import BIN_DIR, REPO_DIR, Context, Database, django_env, free_port, run_worker
from bench.registry import Row, register
from bench.stress import app_server
from config import server

TARGET_SIZE = 100_000
MAX_GZIP_BYTES = 16
MIN_RATIO_200 = 0.60
MIN_RATIO_304 = 0.50
MAKE_RUN_SERVER = "granian (make run)"
MAX_BROWSER_S = {10_000: 1.0, 100_000: 2.0}
WRK_SECONDS = 5
WRK_REPEATS = 3
WRK_CONNECTIONS = 32
BROWSER_RUNS = 3
DATA_PATH = "/carte/donnees.bin"

_prepared: dict[tuple[int, int], tuple[Database, Path, dict]] = {}


def prepared(ctx: Context, size: int) -> tuple[Database, Path, dict]:
    """A SQLite database with the reference data and `size` synthetic initiatives."""
    key = (id(ctx), size)
    if key not in _prepared:
        folder = ctx.root / f"map-{size}"
        db = ctx.fresh_database("sqlite", folder, "db")
        var_dir = folder / "var"
        ctx.log(f"generating {size:,} initiatives for the map benchmarks")
        result = run_worker(
            "generate", {"count": size, "seed": ctx.options.seed}, django_env(db, var_dir)
        )
        # Statistics for the query planner, as after any bulk load (without them SQLite
        # picks the status index over the commune one for a département's count).
        with sqlite3.connect(db.path) as connection:
            connection.execute("ANALYZE")
        _prepared[key] = (db, var_dir, result)
    return _prepared[key]


# --- mapdata --------------------------------------------------------------------------------


def _mapdata_targets(rows: list[Row], ctx: Context) -> list[Row]:
    target_rows = [row for row in rows if row["size"] >= TARGET_SIZE]
    for row in target_rows:
        ctx.target(
            f"≤ {MAX_GZIP_BYTES} bytes per initiative gzipped at {row['size']:,} "
            f"({row['gzip bytes/initiative']:.2f})",
            row["gzip bytes/initiative"] <= MAX_GZIP_BYTES,
        )
    if not target_rows:
        ctx.note(f"Targets are set at {TARGET_SIZE:,} initiatives: not measured in this run.")
    return rows


@register(
    "mapdata",
    title="The map's data file",
    description=(
        "Every published initiative in one binary file (columns of quantised coordinates, "
        "theme index and mask, centre, commune, QPV flags; pepites/initiatives/mapdata.py), "
        "built by `build()` then stored precompressed in the database (mapbuild). Bytes per initiative "
        "divide each file by the number of published initiatives it holds."
    ),
    finalize=_mapdata_targets,
)
def run_mapdata(size: int, workdir: Path, ctx: Context) -> list[Row]:
    db, _var_dir, _generated = prepared(ctx, size)
    result = run_worker("mapdata", {}, django_env(db, workdir / "var"))
    published = result["published"]
    return [
        {
            "database": db.vendor,
            "size": size,
            "published": published,
            "raw bytes/initiative": result["raw"] / published,
            "gzip bytes/initiative": result["gzip"] / published,
            "brotli bytes/initiative": result["br"] / published,
            "gzip (kB)": result["gzip"] / 1024,
            "build (s)": result["build_s"],
            "compress and write (s)": result["store_s"],
        }
    ]


# --- mapserve -------------------------------------------------------------------------------


def ensure_tools(ctx: Context) -> None:
    """nginx and wrk from Debian, installed here when missing (root only, never in tests)."""
    missing = [name for name in ("nginx", "wrk") if not _which(name)]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(f"missing {', '.join(missing)}: apt-get install nginx-light wrk")
    ctx.log("installing nginx-light and wrk from Debian")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "nginx-light", "wrk"],
        check=True,
        env=env,
        capture_output=True,
    )


def _which(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None
    )


@contextmanager
def nginx(
    folder: Path,
    file: Path,
    *,
    path: str = DATA_PATH,
    content_type: str = "application/octet-stream",
    encoding: str | None = "gzip",
) -> Iterator[str]:
    """nginx serving `file` at `path` as a static file (its bytes sent as they are,
    declared `encoding`-compressed), on a free port: the yardstick of the HTTP benchmarks."""
    folder.mkdir(parents=True, exist_ok=True)
    # nginx's workers run as an unprivileged user: the file goes where they may read it.
    public = Path(tempfile.mkdtemp(prefix="pepites-bench-nginx-"))
    public.chmod(0o755)
    served = public / file.name
    shutil.copyfile(file, served)
    served.chmod(0o644)
    file = served
    port = free_port()
    config = folder / "nginx.conf"
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    config.write_text(
        f"""worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path {temp}; proxy_temp_path {temp}; fastcgi_temp_path {temp};
  uwsgi_temp_path {temp}; scgi_temp_path {temp};
  server {{
    listen 127.0.0.1:{port};
    location = {path} {{
      alias {file};
      default_type {content_type};
      {f"add_header Content-Encoding {encoding};" if encoding else ""}
      add_header Cache-Control "public, no-cache";
      add_header Vary Accept-Encoding;
      etag on;
    }}
  }}
}}
"""
    )
    process = subprocess.Popen(
        [_which("nginx"), "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base_url + path, process)
        yield base_url
    finally:
        server.stop(process)
        shutil.rmtree(public, ignore_errors=True)


@contextmanager
def gunicorn(db: Database, var_dir: Path, log_path: Path, **env: str) -> Iterator[str]:
    """The same WSGI application under gunicorn (gthread, as first chosen), for comparison."""
    port = free_port()
    command = [
        str(BIN_DIR / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        "gthread",
        "--workers",
        os.environ.get("WEB_CONCURRENCY", "3"),
        "--threads",
        os.environ.get("PEPITES_THREADS", "8"),
        "--keep-alive",
        "5",
        "config.wsgi:application",
    ]
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_DIR,
            env=django_env(db, var_dir, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(base_url + "/healthz", process)
            yield base_url
        finally:
            server.stop(process)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}) before answering {url}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within 60 s")


def wrk(
    url: str,
    headers: dict[str, str],
    *,
    connections: int = WRK_CONNECTIONS,
    seconds: float = WRK_SECONDS,
) -> float:
    """Requests per second of one wrk run; fails on any error or unexpected status."""
    command = [_which("wrk"), "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _check(url: str, headers: dict[str, str], status: int) -> tuple[httpx.Response, bytes]:
    """The response and its bytes as sent (not decompressed)."""
    # Long timeout: the first request of a version builds the file (seconds at 100,000).
    with (
        httpx.Client(timeout=600) as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        body = b"".join(response.iter_raw())
        if response.status_code != status:
            raise RuntimeError(f"{url}: HTTP {response.status_code}, expected {status}")
        return response, body


def _measure(servers: dict[str, tuple[str, str]], ctx: Context) -> dict[str, dict]:
    """Requests per second, 200 and 304, of each server (name → (base URL, its ETag)).

    The servers take turns, run after run, so that a moment of load on this shared machine
    weighs on all of them alike; each figure is the median of its runs.
    """
    gzip_only = {"Accept-Encoding": "gzip"}
    for base_url, etag in servers.values():
        _check(base_url + DATA_PATH, {**gzip_only, "If-None-Match": etag}, 304)
    rates: dict[str, dict[str, list[float]]] = {name: {"200": [], "304": []} for name in servers}
    for status in ("200", "304"):
        for run in range(WRK_REPEATS):
            for name, (base_url, etag) in servers.items():
                ctx.log(f"wrk {status} {name} ({run + 1}/{WRK_REPEATS})")
                headers = gzip_only if status == "200" else {**gzip_only, "If-None-Match": etag}
                rates[name][status].append(wrk(base_url + DATA_PATH, headers))
    return {
        name: {status: statistics.median(values) for status, values in by_status.items()}
        for name, by_status in rates.items()
    }


def _mapserve_targets(rows: list[Row], ctx: Context) -> list[Row]:
    for row in rows:
        if row["size"] < TARGET_SIZE or row["server"] != MAKE_RUN_SERVER:
            continue
        ctx.target(
            f"200 at ≥ {MIN_RATIO_200:.0%} of nginx at {row['size']:,} ({row['200 vs nginx']:.0%})",
            row["200 vs nginx"] >= MIN_RATIO_200,
        )
        ctx.target(
            f"304 at ≥ {MIN_RATIO_304:.0%} of nginx at {row['size']:,} ({row['304 vs nginx']:.0%})",
            row["304 vs nginx"] >= MIN_RATIO_304,
        )
    return rows


@register(
    "mapserve",
    title="Serving the map's data file",
    description=(
        f"wrk (2 threads, {WRK_CONNECTIONS} connections, keep-alive, median of "
        f"{WRK_REPEATS} runs of {WRK_SECONDS} s) on loopback asks for `{DATA_PATH}` with "
        "`Accept-Encoding: gzip`: a full download (200) and a revalidation with the ETag "
        "(304). nginx serves the very same gzip bytes as a static file (sendfile, its own "
        "ETag), in the same run and on the same cores; the ratios compare each server with "
        "it. The application server is Granian started as `make run` does "
        "(config/server.py); gunicorn (gthread, the same workers and threads), when installed, "
        "runs the same WSGI application for comparison."
    ),
    finalize=_mapserve_targets,
)
def run_mapserve(size: int, workdir: Path, ctx: Context) -> list[Row]:
    ensure_tools(ctx)
    db, var_dir, _generated = prepared(ctx, size)
    env = {"STATIC_ROOT": str(workdir / "static"), "STATIC_MANIFEST": "false"}
    with ExitStack() as stack:
        base_url = stack.enter_context(app_server(db, var_dir, workdir / "server.log", **env))
        first, body = _check(base_url + DATA_PATH, {"Accept-Encoding": "gzip"}, 200)
        etag = first.headers["ETag"]
        blob = workdir / "donnees.bin.gz"
        blob.write_bytes(body)
        nginx_url = stack.enter_context(nginx(workdir / "nginx", blob))
        servers = {
            "nginx (static file)": (
                nginx_url,
                httpx.get(nginx_url + DATA_PATH, timeout=60).headers["ETag"],
            ),
            MAKE_RUN_SERVER: (base_url, etag),
        }
        if (BIN_DIR / "gunicorn").exists():
            other = stack.enter_context(gunicorn(db, var_dir, workdir / "gunicorn.log", **env))
            servers["gunicorn (comparison)"] = (other, etag)
        else:
            ctx.note("gunicorn is not installed: its comparison row is missing.")
        measured = _measure(servers, ctx)
    reference = measured["nginx (static file)"]
    return [
        {
            "database": db.vendor,
            "size": size,
            "server": server,
            "file (kB, gzip)": len(body) / 1024,
            "200 req/s": rates["200"],
            "304 req/s": rates["304"],
            "200 vs nginx": rates["200"] / reference["200"],
            "304 vs nginx": rates["304"] / reference["304"],
        }
        for server, rates in measured.items()
    ]


# --- mapbrowser -----------------------------------------------------------------------------

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

MEASURE_LOAD = """async () => {
  // When the list's first card was painted (Element Timing), then the markers.
  const firstCard = await new Promise((resolve) => {
    new PerformanceObserver((list, observer) => {
      const entry = list.getEntries().find((e) => e.identifier === 'first-card');
      if (entry) {
        observer.disconnect();
        resolve(entry.renderTime || entry.loadTime);
      }
    }).observe({ type: 'element', buffered: true });
    setTimeout(() => resolve(null), 3000);
  });
  const mark = (name) => {
    const entry = performance.getEntriesByName(name)[0];
    return entry ? entry.startTime : null;
  };
  const element = document.querySelector('[data-map]');
  return {
    list: firstCard,
    script: mark('pepites:script'),
    indexed: mark('pepites:indexed'),
    markers: mark('pepites:markers'),
    worker: JSON.parse(element.dataset.timings || '{}'),
    cards: document.querySelectorAll('#liste .initiative-card').length,
    items: Number(element.dataset.items || 0),
  };
}"""

WATCH_LONG_TASKS = """() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
}"""

WATCH_COUNT = """() => new Promise((resolve) => {
  const started = performance.now();
  const target = document.querySelector('#compte');
  const before = target.textContent;
  new MutationObserver((_m, observer) => {
    if (target.textContent !== before) {
      observer.disconnect();
      resolve(performance.now() - started);
    }
  }).observe(target, { childList: true, characterData: true, subtree: true });
  document.querySelector('input[name=thematique][value=mobilite]').click();
})"""


def _chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError("Chromium not found: apt-get install chromium (or CHROMIUM_PATH)")
    return path


def _browser_run(browser, base_url: str, interact: bool) -> dict:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if (urlparse(route.request.url).hostname or "") in LOCAL_HOSTS
            else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(base_url + "/")
        page.wait_for_selector("[data-map][data-state='ready']")
        result = page.evaluate(MEASURE_LOAD)
        if interact:
            page.evaluate(WATCH_LONG_TASKS)
            page.locator("#carte").focus()
            for key in ["Equal", "Equal", "ArrowRight", "ArrowDown", "Equal", "Minus", "Minus"]:
                page.keyboard.press(key)
                page.wait_for_timeout(400)
            page.get_by_text("Thématiques, territoire, centre, QPV").click()
            result["filter_ms"] = page.evaluate(WATCH_COUNT)
            page.wait_for_timeout(300)
            tasks = page.evaluate("window.__longTasks")
            result["longest_task_ms"] = max(tasks, default=0.0)
        return result
    finally:
        context.close()


def _browser_targets(rows: list[Row], ctx: Context) -> list[Row]:
    for row in rows:
        limit = MAX_BROWSER_S.get(row["size"])
        if limit is None:
            continue
        shown = row["markers and list shown (s)"]
        ctx.target(
            f"markers and first list page under {limit:g} s at {row['size']:,} ({shown:.2f} s)",
            shown < limit,
        )
    return rows


@register(
    "mapbrowser",
    title="The map in the browser",
    description=(
        "Headless Debian Chromium (Playwright, 1280×900, every non-local request refused: "
        "no tiles) opens `/` served by Granian as `make run` starts it, after the data "
        f"file was built. Median of {BROWSER_RUNS} visits with an empty cache, times from "
        "the navigation: the list's first card painted (it comes with the HTML; Element "
        "Timing) and the markers drawn on the map's canvas; in between, the worker "
        "(started by the page's head) loads the data file and the clustering library, "
        "decodes and clusters (durations). Then, on the last visit: keyboard zooms and "
        "pans (the longest main-thread task seen), and ticking a theme until the count "
        "changes (filter, new clusters and the list's first page fetched)."
    ),
    finalize=_browser_targets,
)
def run_mapbrowser(size: int, workdir: Path, ctx: Context) -> list[Row]:
    from playwright.sync_api import sync_playwright

    db, var_dir, _generated = prepared(ctx, size)
    env = {"STATIC_ROOT": str(ctx.static_root())}
    with app_server(db, var_dir, workdir / "server.log", **env) as base_url:
        httpx.get(base_url + DATA_PATH, timeout=600)  # built once per data version
        # Every worker loads its code at its first request (seconds): concurrent
        # requests, so that no visit measured is a worker's first.
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda _n: httpx.get(base_url + "/", timeout=120), range(24)))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=_chromium(),
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
            )
            try:
                runs = [
                    _browser_run(browser, base_url, interact=(i == BROWSER_RUNS - 1))
                    for i in range(BROWSER_RUNS)
                ]
            finally:
                browser.close()

    def median(key: str, scale: float = 1000) -> float:
        return statistics.median(r[key] for r in runs) / scale

    shown = statistics.median(max(r["markers"], r["list"]) for r in runs) / 1000
    last = runs[-1]
    return [
        {
            "database": db.vendor,
            "size": size,
            "list's first card painted (s)": median("list"),
            "worker: data file and library loaded (ms)": statistics.median(
                r["worker"]["load"] for r in runs
            ),
            "worker: decoded (ms)": statistics.median(r["worker"]["decode"] for r in runs),
            "worker: clustered (ms)": statistics.median(r["worker"]["index"] for r in runs),
            "markers drawn (s)": median("markers"),
            "markers and list shown (s)": shown,
            "cards on first page": last["cards"],
            "clusters and points drawn": last["items"],
            "theme filter → count (ms)": last["filter_ms"],
            "longest main-thread task while zooming (ms)": last["longest_task_ms"],
        }
    ]
