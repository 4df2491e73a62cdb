"""`stress`: concurrent writers and readers against the real server that `make serve` starts.

Readers GET the public pages; each writer logs into the Django admin and saves "its own"
initiative over and over through the change form, exactly as a browser would post it
(every field parsed from the HTML, including the CSRF token, the version the optimistic
lock compares and the inline management forms). On SQLite the run is repeated with
`SQLITE_TRANSACTION_MODE=DEFERRED` by `--compare-deferred`, to show in the same run what
immediate transactions prevent.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.common import (
    Context,
    Database,
    django_env,
    free_port,
    percentile,
    run_worker,
)
from bench.registry import Row, register
from config import server

# Public pages the readers cycle through; add the new public pages here as they appear.
READ_PATHS = ("/", "/healthz")
ADMIN_USERNAME = "bench"
ADMIN_PASSWORD = "bench-Pepites-2025!"  # a throwaway account in a throwaway database
CHANGE_URL = "/admin/initiatives/initiative/{pk}/change/"
CHANGELIST_URL = "/admin/initiatives/initiative/"
MAX_ERROR_SAMPLES = 5


# --- HTML forms ---------------------------------------------------------------------------
class FormParser(HTMLParser):
    """The fields a browser would submit for one form of a page, in document order.

    Inputs (hidden ones included) except buttons and files, checkboxes and radios only
    when checked, selects with their selected options (the first one for a single select
    without any), textareas (without the newline that follows the opening tag).
    """

    def __init__(self, form_id: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: dict | None = None
        self._option: list | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            if not self.found and self.form_id in (None, attributes.get("id")):
                self.found = self._in_form = True
            return
        if not self._in_form:
            return
        if tag == "option" and self._select is not None:
            self._close_option()
            self._option = [attributes.get("value"), [], "selected" in attributes]
            return
        name = attributes.get("name")
        if not name or "disabled" in attributes:
            return
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
                return
            self.fields.append((name, attributes.get("value") or ""))
        elif tag == "select":
            self._select = {"name": name, "multiple": "multiple" in attributes, "options": []}
        elif tag == "textarea":
            self._textarea = (name, [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "option":
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            options = self._select["options"]
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not self._select["multiple"]:
                chosen = [options[0][0]]
            if not self._select["multiple"]:
                chosen = chosen[-1:]
            self.fields.extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            text = "".join(parts)
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self.fields.append((name, text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option[1].append(data)

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value, text, selected = self._option
            if value is None:
                value = " ".join("".join(text).split())
            self._select["options"].append((value, selected))
        self._option = None


def form_fields(html: str, form_id: str | None = None) -> list[tuple[str, str]] | None:
    """The submitted fields of the form `form_id` (or the first form); None if absent."""
    parser = FormParser(form_id)
    parser.feed(html)
    parser.close()
    return parser.fields if parser.found else None


_ERROR_BLOCK = re.compile(
    r"<(p|ul|li|div)\b[^>]*class=\"[^\"]*\b(errornote|errorlist|error)\b[^\"]*\"[^>]*>(.*?)</\1>",
    re.S,
)
_TAG = re.compile(r"<[^>]+>")


def error_lines(html: str, limit: int = 6) -> list[str]:
    """The relevant lines of an error page or of a form re-rendered with errors."""
    lines = []
    for match in _ERROR_BLOCK.finditer(html):
        text = " ".join(_TAG.sub(" ", match.group(3)).split())
        if text and text not in lines:
            lines.append(text)
    if not lines:  # no form errors: the distinct texts of the page, e.g. "Server Error (500)"
        for chunk in _TAG.split(html):
            text = " ".join(chunk.split())
            if text and text not in lines:
                lines.append(text[:200])
    return lines[:limit]


# --- Load -------------------------------------------------------------------------------------
@dataclass
class Stats:
    started: float = field(default_factory=time.perf_counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    clients: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    login_elapsed: float = 0.0
    lags: list[float] = field(default_factory=list)

    def record(self, kind: str, seconds: float, failure: str | None = None, body: str = "") -> None:
        self.latencies[kind].append(seconds)
        if failure is None:
            return
        self.failures[kind] += 1
        self.reasons[f"{kind}: {failure}"] += 1
        if len(self.samples) < MAX_ERROR_SAMPLES:
            details = " | ".join(error_lines(body)) if body else ""
            self.samples.append(f"{kind}: {failure}" + (f" — {details}" if details else ""))


async def _request(
    stats: Stats, kind: str, client: httpx.AsyncClient, method: str, url: str, **kwargs
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        stats.record(kind, time.perf_counter() - started, f"{type(exc).__name__} {exc}".strip())
        await asyncio.sleep(0.05)  # no hot loop on a refused connection
        return None
    seconds = time.perf_counter() - started
    if response.status_code >= 500:
        stats.record(kind, seconds, f"HTTP {response.status_code}", response.text)
        return None
    stats.record(kind, seconds)
    return response


def _fail_last(stats: Stats, kind: str, failure: str, body: str = "") -> None:
    """Turn the last recorded request of `kind` into a failure (checked after the fact)."""
    seconds = stats.latencies[kind].pop()
    stats.record(kind, seconds, failure, body)


async def _login(client: httpx.AsyncClient, stats: Stats) -> bool:
    kind = "admin login"
    page = await _request(stats, kind, client, "GET", "/admin/login/?next=/admin/")
    if page is None:
        return False
    fields = form_fields(page.text, "login-form")
    if page.status_code != 200 or fields is None:
        _fail_last(stats, kind, f"login page HTTP {page.status_code}", page.text)
        return False
    data = dict(fields) | {"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}
    response = await _request(stats, kind, client, "POST", "/admin/login/", data=data)
    if response is None:
        return False
    if response.status_code != 302:
        _fail_last(stats, kind, f"HTTP {response.status_code} instead of 302", response.text)
        return False
    return True


async def _writer(
    index: int, pk: int, client: httpx.AsyncClient, deadline: float, stats: Stats
) -> None:
    loop = asyncio.get_running_loop()
    url = CHANGE_URL.format(pk=pk)
    iteration = 0
    while loop.time() < deadline:
        iteration += 1
        page = await _request(stats, "admin change form GET", client, "GET", url)
        if page is None:
            continue
        fields = form_fields(page.text, "initiative_form")
        if page.status_code != 200 or fields is None:
            _fail_last(
                stats, "admin change form GET", f"HTTP {page.status_code}, no form", page.text
            )
            continue
        summary = f"Résumé enregistré par le banc d'essai (rédacteur {index}, passage {iteration})."
        data = [(k, summary if k == "summary" else v) for k, v in fields]
        data.append(("_save", "Enregistrer"))
        kind = "admin change form POST"
        response = await _request(
            stats,
            kind,
            client,
            "POST",
            url,
            content=urlencode(data).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if response is None:
            continue
        location = response.headers.get("location", "")
        if response.status_code == 200:
            _fail_last(stats, kind, "form re-rendered with errors", response.text)
        elif response.status_code != 302:
            _fail_last(stats, kind, f"HTTP {response.status_code}", response.text)
        elif not location.split("?")[0].endswith(CHANGELIST_URL):
            _fail_last(stats, kind, f"redirected to {location} (conflict or logged out)")


async def _reader(index: int, client: httpx.AsyncClient, deadline: float, stats: Stats) -> None:
    loop = asyncio.get_running_loop()
    n = index
    while loop.time() < deadline:
        path = READ_PATHS[n % len(READ_PATHS)]
        n += 1
        response = await _request(stats, f"GET {path}", client, "GET", path)
        if response is not None and response.status_code != 200:
            _fail_last(stats, f"GET {path}", f"HTTP {response.status_code}", response.text)


async def _lag_monitor(deadline: float, stats: Stats) -> None:
    """How late the load generator's event loop runs: past a second, it is the bottleneck."""
    loop = asyncio.get_running_loop()
    while loop.time() < deadline:
        before = loop.time()
        await asyncio.sleep(0.1)
        stats.lags.append(loop.time() - before - 0.1)


async def run_load(
    base_url: str, pks: list[int], *, readers: int, duration: float, timeout: float
) -> Stats:
    """`len(pks)` writers and `readers` readers, each a closed loop, for `duration` seconds."""
    stats = Stats()
    stats.clients = {"admin": len(pks), **dict.fromkeys((f"GET {p}" for p in READ_PATHS), readers)}
    loop = asyncio.get_running_loop()
    # One client (one connection) per simulated user: a single pool shared by hundreds of
    # tasks costs the load generator far more CPU than the requests themselves.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits)
            )
            for _n in range(len(pks) + readers)
        ]
        writers, readers_clients = clients[: len(pks)], clients[len(pks) :]
        # The writers log in first (each with its own session), outside the timed window.
        started = time.perf_counter()
        logged_in = await asyncio.gather(*(_login(client, stats) for client in writers))
        stats.login_elapsed = time.perf_counter() - started
        deadline = loop.time() + duration
        tasks = [
            _writer(i, pk, client, deadline, stats)
            for i, (pk, client, ok) in enumerate(zip(pks, writers, logged_in, strict=True))
            if ok
        ]
        tasks += [_reader(i, client, deadline, stats) for i, client in enumerate(readers_clients)]
        tasks.append(_lag_monitor(deadline, stats))
        stats.started = time.perf_counter()
        await asyncio.gather(*tasks)
        stats.elapsed = time.perf_counter() - stats.started
    return stats


# --- Server -----------------------------------------------------------------------------------
@contextmanager
def app_server(db: Database, var_dir: Path, log_path: Path, **env: str) -> Iterator[str]:
    """The server exactly as `make serve` starts it (config/server.py), on a free loopback
    port."""
    # The writers sign in to the admin with a password: the second factor a superuser must
    # give in production is not part of what the load measures.
    env.setdefault("TWO_FACTOR_REQUIRED", "false")
    environment = django_env(db, var_dir, PEPITES_BIND=f"127.0.0.1:{free_port()}", **env)
    with server.running(environment, log_path) as base_url:
        yield base_url


def server_errors(log_path: Path) -> Counter:
    """Exceptions and worker timeouts the server logged, by message."""
    found: Counter = Counter()
    lines = log_path.read_text(errors="replace").splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"^([\w.]+(?:Error|Exception)): (.*)$", line)
        if match:
            following = lines[index + 2] if index + 2 < len(lines) else ""
            if not following.startswith("The above exception"):  # the final exception only
                found[f"{match.group(1)}: {match.group(2)[:120]}"] += 1
    return found


# --- Benchmark --------------------------------------------------------------------------------
def _rows(stats: Stats, database: str, mode: str, size: int) -> list[Row]:
    """One row per kind of request, then "all" (the logins, made first, included)."""
    kinds = sorted(stats.latencies, key=lambda k: (not k.startswith("GET"), k))
    writers = stats.clients["admin"]
    readers = stats.clients[f"GET {READ_PATHS[0]}"]
    everything = [
        ("all", [s for k in kinds for s in stats.latencies[k]], sum(stats.failures.values()))
    ]
    rows = []
    for kind, latencies, failed in [
        *((k, stats.latencies[k], stats.failures[k]) for k in kinds),
        *everything,
    ]:
        # The logins come before the timed window: their own rate.
        elapsed = {
            "admin login": stats.login_elapsed,
            "all": stats.login_elapsed + stats.elapsed,
        }.get(kind, stats.elapsed)
        rows.append(
            {
                "database": database,
                "transactions": mode,
                "size": size,
                "requests": kind,
                "clients": stats.clients.get(kind, writers + readers if kind == "all" else writers),
                "count": len(latencies),
                "failed": failed,
                "failed %": 100 * failed / len(latencies) if latencies else 0.0,
                "p50 (ms)": percentile(latencies, 0.50) * 1000,
                "p95 (ms)": percentile(latencies, 0.95) * 1000,
                "max (ms)": max(latencies, default=0.0) * 1000,
                "req/s": len(latencies) / elapsed if elapsed else 0.0,
            }
        )
    return rows


def _one_load(
    ctx: Context, db: Database, workdir: Path, var_dir: Path, pks: list[int], mode: str, size: int
) -> list[Row]:
    opts = ctx.options
    label = f"{db.vendor}-{mode.lower().replace(' ', '-')}"
    log_path = workdir / f"server-{label}.log"
    if opts.collect_static:
        env = {"STATIC_ROOT": str(ctx.static_root())}
    else:
        env = {"STATIC_ROOT": str(workdir / "static"), "STATIC_MANIFEST": "false"}
    if db.vendor == "sqlite":
        env["SQLITE_TRANSACTION_MODE"] = mode
    with app_server(db, var_dir, log_path, **env) as base_url:
        ctx.log(
            f"{label}: {len(pks)} writers and {opts.readers} readers for {opts.duration:g} s "
            f"against {base_url}"
        )
        # A thread of its own: the caller may already run an event loop (Playwright's
        # sync API keeps one in the test process).
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            stats = pool.submit(
                asyncio.run,
                run_load(
                    base_url,
                    pks,
                    readers=opts.readers,
                    duration=opts.duration,
                    timeout=opts.timeout,
                ),
            ).result()
    rows = _rows(stats, db.vendor, mode, size)
    if stats.lags:
        ctx.note(
            f"{db.vendor} {mode}: the load generator's event loop ran late by "
            f"{percentile(stats.lags, 0.95):.2f} s at p95, {max(stats.lags):.2f} s at most "
            "(past a second or so, the generator itself holds the load back)."
        )
    total = rows[-1]
    ctx.log(f"{label}: {total['count']:,} requests, {total['failed']:,} failed")
    if stats.reasons:
        reasons = "; ".join(f"{n} × {reason}" for reason, n in stats.reasons.most_common(5))
        ctx.note(f"{db.vendor} {mode}: failures by cause: {reasons}.")
        for sample in stats.samples:
            ctx.log(f"{label}: failed request — {sample}")
    logged = server_errors(log_path)
    if logged:
        summary = "; ".join(f"{n} × {message}" for message, n in logged.most_common(3))
        ctx.note(f"{db.vendor} {mode}: the server logged {summary}.")
        ctx.log(f"{label}: server log {log_path}: {summary}")
    return rows


def _ratios(rows: list[Row], ctx: Context) -> list[Row]:
    totals = {(r["database"], r["transactions"]): r for r in rows if r["requests"] == "all"}
    saves = {
        (r["database"], r["transactions"]): r
        for r in rows
        if r["requests"] == "admin change form POST"
    }
    reads = {(r["database"], r["transactions"]): r for r in rows if r["requests"] == "GET /"}
    for key, total in totals.items():
        database, mode = key
        ok = total["failed"] == 0
        if mode == "DEFERRED":  # the counter-example: its failures are the point
            continue
        ctx.target(
            f"{database}, {mode}: zero failed requests "
            f"({total['failed']:,} of {total['count']:,} failed)",
            ok,
        )
        save, read = saves.get(key), reads.get(key)
        if save and read and read["p95 (ms)"]:
            ctx.note(
                f"{database} {mode}: an admin save's p95 is "
                f"{save['p95 (ms)'] / read['p95 (ms)']:.2f} × the p95 of GET / "
                f"({save['count']:,} saves, {save['req/s']:.1f} saves/s)."
            )
    immediate, deferred = saves.get(("sqlite", "IMMEDIATE")), saves.get(("sqlite", "DEFERRED"))
    if immediate and deferred:
        ctx.note(
            f"Same run, same load, SQLite: {deferred['failed %']:.1f} % of admin saves failed "
            f"with DEFERRED transactions ({deferred['failed']:,} of {deferred['count']:,}) "
            f"against {immediate['failed %']:.1f} % with IMMEDIATE "
            f"({immediate['failed']:,} of {immediate['count']:,})."
        )
    return rows


@register(
    "stress",
    title="Concurrent writers and readers against the real server",
    description=(
        "Granian started as `make serve` does (config/server.py) on a copy of a "
        "database with the reference data, `generate_initiatives` content and a staff "
        "superuser. Readers GET the public pages in a closed loop; each writer logs into the "
        "admin and saves its own initiative through the change form (every field parsed from "
        "the HTML, the summary changed), a 302 to the list counting as success. A failure is a "
        "form re-rendered with errors, any other status, a 5xx, a timeout or a connection "
        "error. The load generator is one asyncio process (httpx). `--compare-deferred` reruns "
        "the same load from the same database with `SQLITE_TRANSACTION_MODE=DEFERRED`."
    ),
    sized=False,
    fixed_size=lambda options: options.stress_size,
    finalize=_ratios,
)
def run(size: int, workdir: Path, ctx: Context) -> list[Row]:
    opts = ctx.options
    size = max(size, opts.writers)  # one initiative per writer: no optimistic-lock conflicts
    var_dir = workdir / "var"
    rows: list[Row] = []
    workers = os.environ.get("WEB_CONCURRENCY", "3")
    threads = os.environ.get("PEPITES_THREADS", "8")
    ctx.note(
        f"{opts.duration:g} s per run, {opts.writers} writers, {opts.readers} readers; "
        f"Granian (WSGI) {workers} workers × {threads} threads; client timeout "
        f"{opts.timeout:g} s."
    )
    for vendor in ctx.vendors():
        base = ctx.fresh_database(vendor, workdir, f"{vendor}-base")
        try:
            ctx.log(f"{vendor}: {size:,} initiatives and a superuser")
            setup = run_worker(
                "stress_setup",
                {
                    "count": size,
                    "seed": opts.seed,
                    "writers": opts.writers,
                    "username": ADMIN_USERNAME,
                    "password": ADMIN_PASSWORD,
                },
                django_env(base, var_dir),
            )
            pks = setup["pks"]
            modes = ["IMMEDIATE"]
            if vendor == "sqlite" and opts.compare_deferred:
                modes.append("DEFERRED")
            if vendor != "sqlite":
                modes = ["READ COMMITTED"]
            for mode in modes:
                db = ctx.copy_database(base, workdir, f"{vendor}-{mode.lower().replace(' ', '-')}")
                try:
                    rows += _one_load(ctx, db, workdir, var_dir, pks, mode, size)
                finally:
                    db.drop()
        finally:
            base.drop()
    return rows
