"""`mapwrites`: the public map under writes, with two app servers sharing one database.

Two servers started as `make run` does (config/server.py), sharing the Redis cache as the
deployment guide's servers do, and the two workers of `make run` beside them (the one on
"default" runs the queued map builds). Readers in closed loops, spread over both servers,
GET the home page, the map
data (a full download one time in two, a revalidation with its ETag the other) and
initiative pages; writers save one published initiative through the admin's change form
at WRITES_PER_SECOND in all, each time moving its point. A probe reads the map data every
PROBE_EVERY seconds and decodes it: the delay from a save's 302 to the first map data
that shows the new point is the time for a write to reach the map.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gzip
import itertools
import json
import os
import struct
import subprocess
import sys
import time
from array import array
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.common import REPO_DIR, Context, django_env, free_port, percentile, run_worker
from bench.registry import Row, register
from bench.stress import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    CHANGE_URL,
    Stats,
    _login,
    _request,
    app_server,
    form_fields,
    server_errors,
)
from config import server
from tests.deploy.nginx import running_nginx  # the deployment test's own runner

DURATION_S = 60.0
WRITES_PER_SECOND = 2.0
WRITERS = 8  # each saves every WRITERS / WRITES_PER_SECOND seconds
PER_WRITER = 6  # initiatives each writer moves in turn: one is saved every 24 s
READERS = 8  # closed loops, half on each server
PROBE_EVERY = 0.25
MAX_P95_MS = 150.0
MAX_REACH_S = 10.0
VIA_DIRECT = "Granian"
VIA_PROXY = "nginx"
TARGET_SIZE = 100_000
MAP_PATH = "/carte/donnees.bin"
# The deployment's shared cache (docs/deploiement.md: Redis beside several app servers), on
# a database of its own and a prefix of this run; without a Redis there, each process keeps
# its own cache (and the notes say so).
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SCALE = 100_000  # the map data's quantisation (pepites/initiatives/mapdata.py)


def _column(chunk: bytes, count: int, width: int, typecode: str) -> array:
    """One column's values from its byte planes (all bytes 0, then all bytes 1…), put back
    in place by slice assignment: C loops, so that the probe does not hold the event loop
    that times the readers."""
    interleaved = bytearray(count * width)
    for k in range(width):
        interleaved[k::width] = chunk[k * count : (k + 1) * count]
    values = array(typecode)
    values.frombytes(bytes(interleaved))
    if sys.byteorder != "little":
        values.byteswap()
    return values


def map_points(raw: bytes) -> dict[int, int]:
    """{initiative id: quantised latitude} from the map data (docs/format-carte.md)."""
    (length,) = struct.unpack_from("<I", raw, 4)
    header = json.loads(raw[8 : 8 + length])
    count, offset = header["count"], 8 + length
    widths = {"int32": 4, "uint32": 4, "uint8": 1, "uint16": 2}
    typecodes = {"int32": "i", "uint32": "I"}
    columns: dict[str, array] = {}
    for name, kind in header["columns"]:
        size = count * widths[kind]
        if name in ("id", "lat"):
            chunk = raw[offset : offset + size]
            columns[name] = _column(chunk, count, widths[kind], typecodes[kind])
        offset += size + (-size % 4)
    ids = itertools.accumulate((value >> 1) ^ -(value & 1) for value in columns["id"])
    return dict(zip(ids, columns["lat"], strict=True))


class Reach:
    """The saves waiting to be seen on the map, and how long each took to get there."""

    def __init__(self) -> None:
        self.pending: dict[int, tuple[int, float]] = {}  # pk: (quantised lat, saved at)
        self.delays: list[float] = []
        self.unseen = 0

    def saved(self, pk: int, latitude: float) -> None:
        if pk in self.pending:
            self.unseen += 1  # overwritten before it was seen: not counted
        self.pending[pk] = (round(latitude * SCALE), time.perf_counter())

    def seen(self, points: dict[int, int], at: float) -> None:
        for pk, (lat, saved_at) in list(self.pending.items()):
            if points.get(pk) == lat and at > saved_at:
                self.delays.append(at - saved_at)
                del self.pending[pk]


async def _writer(
    index: int,
    mine: list[list],
    client: httpx.AsyncClient,
    deadline: float,
    stats: Stats,
    reach: Reach,
) -> None:
    loop = asyncio.get_running_loop()
    period = WRITERS / WRITES_PER_SECOND
    await asyncio.sleep(index * period / WRITERS)  # evenly spread
    n = 0
    while loop.time() < deadline:
        started = loop.time()
        pk, _slug, base_lat = mine[n % len(mine)]
        url = CHANGE_URL.format(pk=pk)
        n += 1
        page = await _request(stats, "admin change form GET", client, "GET", url)
        fields = form_fields(page.text, "initiative_form") if page is not None else None
        if fields:
            latitude = round(base_lat + 0.0001 * (n % 50 + 1), 5)  # a new point each time
            data = [(k, str(latitude) if k == "latitude" else v) for k, v in fields]
            data.append(("_save", "Enregistrer"))
            response = await _request(
                stats,
                "admin change form POST",
                client,
                "POST",
                url,
                content=urlencode(data).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            if response is not None and response.status_code == 302:
                reach.saved(pk, latitude)
        await asyncio.sleep(max(0.0, period - (loop.time() - started)))


async def _get(
    stats: Stats, label: str, client: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> httpx.Response | None:
    """GET `path`, its body read as sent and not decoded: the visitor's browser decodes it,
    not this machine's two cores that the servers need (a brotli map data file is 10 ms
    of this process's event loop, which times every reader)."""
    started = time.perf_counter()
    try:
        async with client.stream("GET", path, headers=headers) as response:
            async for _chunk in response.aiter_raw():
                pass
    except httpx.HTTPError as exc:
        stats.record(label, time.perf_counter() - started, f"{type(exc).__name__} {exc}".strip())
        await asyncio.sleep(0.05)  # no hot loop on a refused connection
        return None
    seconds = time.perf_counter() - started
    if response.status_code not in (200, 304):
        stats.record(label, seconds, f"HTTP {response.status_code}")
        return None
    stats.record(label, seconds)
    return response


async def _reader(
    index: int, client: httpx.AsyncClient, pages: list[str], deadline: float, stats: Stats
) -> None:
    loop = asyncio.get_running_loop()
    n, etag = index, ""
    while loop.time() < deadline:
        n += 1
        kind = ("/", MAP_PATH, "/initiatives/<slug>/")[n % 3]
        path = pages[n % len(pages)] if kind.endswith("<slug>/") else kind
        headers = {"Accept-Encoding": "br, gzip"}
        revalidate = kind == MAP_PATH and etag and n % 2
        if revalidate:
            headers["If-None-Match"] = etag
        label = f"GET {kind}" + (" (304 asked)" if revalidate else "")
        response = await _get(stats, label, client, path, headers)
        if response is not None and kind == MAP_PATH and response.status_code == 200:
            etag = response.headers.get("ETag", "")


async def _probe(base_url: str, load: asyncio.Future, reach: Reach) -> None:
    """Until the load is over and every save seen (MAX_REACH_S at most after the load)."""
    loop = asyncio.get_running_loop()
    etag, ended = "", None
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        while not load.done() or (reach.pending and loop.time() < ended + MAX_REACH_S):
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get(
                    MAP_PATH, headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
                )
                if response.status_code == 200:
                    etag = response.headers.get("ETag", "")
                    at = time.perf_counter()
                    # httpx decodes gzip itself; the bytes may also arrive still compressed.
                    raw = response.content
                    if raw[:2] == b"\x1f\x8b":
                        raw = gzip.decompress(raw)
                    reach.seen(map_points(raw), at)
            await asyncio.sleep(PROBE_EVERY)
            if ended is None and load.done():
                ended = loop.time()


async def run_load(urls: list[str], shown: list[list], duration: float) -> tuple[Stats, Reach]:
    stats, reach = Stats(), Reach()
    stats.clients = {"admin": WRITERS, "readers": READERS}
    loop = asyncio.get_running_loop()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    moved = WRITERS * PER_WRITER
    pages = [f"/initiatives/{slug}/" for _pk, slug, _lat in shown[moved:]]
    async with contextlib.AsyncExitStack() as stack:

        async def client(n: int) -> httpx.AsyncClient:
            return await stack.enter_async_context(
                httpx.AsyncClient(base_url=urls[n % len(urls)], timeout=30, limits=limits)
            )

        writers = [await client(n) for n in range(WRITERS)]
        readers = [await client(n) for n in range(READERS)]
        logged_in = await asyncio.gather(*(_login(c, stats) for c in writers))
        if not all(logged_in):
            raise RuntimeError(f"admin login failed: {stats.samples}")
        deadline = loop.time() + duration
        stats.started = time.perf_counter()
        load = asyncio.gather(
            *(
                _writer(i, shown[i:moved:WRITERS], c, deadline, stats, reach)
                for i, c in enumerate(writers)
                if shown[i:moved:WRITERS]
            ),
            *(_reader(i, c, pages, deadline, stats) for i, c in enumerate(readers)),
        )
        load.add_done_callback(
            lambda _done: setattr(stats, "elapsed", time.perf_counter() - stats.started)
        )
        await asyncio.gather(load, _probe(urls[-1], load, reach))
    return stats, reach


@contextlib.contextmanager
def shared_cache(ctx: Context, vendor: str) -> Iterator[dict[str, str]]:
    """REDIS_URL and CACHE_KEY_PREFIX for every process of the run, its keys deleted after;
    nothing when no Redis answers."""
    import redis

    client = redis.Redis.from_url(BENCH_REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError:
        ctx.note(f"mapwrites {vendor}: no Redis at {BENCH_REDIS_URL}, a local cache per process.")
        yield {}
        return
    prefix = f"pepites-bench-{os.getpid()}-{vendor}"
    try:
        yield {"REDIS_URL": BENCH_REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    finally:
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
        client.close()


@contextlib.contextmanager
def job_worker(env: dict[str, str], log_path: Path) -> Iterator[None]:
    """The workers, as `make run` and the deployment guide run them beside the app servers
    (one on every queue, one on "default" only: config/server.py)."""
    with log_path.open("w") as log:
        processes = [
            subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
            for command in server.worker_commands()
        ]
        try:
            yield
        finally:
            for process in processes:
                server.stop(process)


def _targets(rows: list[Row], ctx: Context) -> list[Row]:
    measured = [row for row in rows if row["size"] >= TARGET_SIZE]
    for row in measured:
        where = f"{row['database']} at {row['size']:,}, {row['via']}, {row['requests']}"
        if row["requests"] in ("GET /", f"GET {MAP_PATH}") and row["via"] == VIA_PROXY:
            ctx.target(
                f"{where}: p95 < {MAX_P95_MS:.0f} ms under writes ({row['p95 (ms)']:.0f})",
                row["p95 (ms)"] < MAX_P95_MS,
            )
        if row["requests"] == "all":
            ctx.target(f"{where}: zero 5xx ({row['5xx']})", row["5xx"] == 0)
        if row["requests"] == "write → map data":
            ctx.target(
                f"{where}: p95 < {MAX_REACH_S:.0f} s ({row['p95 (ms)'] / 1000:.1f} s)",
                row["p95 (ms)"] < MAX_REACH_S * 1000 and row["failed"] == 0,
            )
    if not measured:
        ctx.note(f"Targets are set at {TARGET_SIZE:,} initiatives: not measured in this run.")
    return rows


def _rows(stats: Stats, reach: Reach, vendor: str, size: int, via: str) -> list[Row]:
    rows = []
    everything = [s for values in stats.latencies.values() for s in values]
    fivexx = sum(n for reason, n in stats.reasons.items() if "HTTP 5" in reason)
    for kind, latencies in [*sorted(stats.latencies.items()), ("all", everything)]:
        failed = sum(stats.failures.values()) if kind == "all" else stats.failures[kind]
        rows.append(_row(vendor, size, kind, latencies, failed, stats.elapsed))
        rows[-1]["5xx"] = fivexx if kind == "all" else None
    reach_row = _row(vendor, size, "write → map data", reach.delays, len(reach.pending), None)
    reach_row["5xx"] = None
    rows.append(reach_row)
    return [{"database": vendor, "size": size, "via": via, **row} for row in rows]


def _row(vendor, size, kind, latencies, failed, elapsed) -> Row:
    return {
        "database": vendor,
        "size": size,
        "requests": kind,
        "count": len(latencies),
        "failed": failed,
        "req/s": round(len(latencies) / elapsed, 1) if elapsed else None,
        "p50 (ms)": percentile(latencies, 0.50) * 1000 if latencies else 0.0,
        "p95 (ms)": percentile(latencies, 0.95) * 1000 if latencies else 0.0,
        "max (ms)": max(latencies) * 1000 if latencies else 0.0,
    }


@register(
    "mapwrites",
    title="The map under writes, two app servers",
    description=(
        f"Two Granian servers started as `make run` does on one database, sharing the "
        f"deployment's Redis cache, and the two workers of `make run` (the map data is built "
        f"by the `default` one); {READERS} readers "
        f"in closed loops (home, map data downloaded or revalidated, initiative pages) and "
        f"{WRITES_PER_SECOND:g} admin saves per second, each moving a published initiative, "
        f"for {DURATION_S:g} s, first straight to the two servers (`Granian`), then as "
        "visitors reach them (`nginx`): through the deployment's nginx (deploy/nginx/, page "
        "cache on) in front of both, where the latency targets apply. "
        "`write → map data`: from a save's 302 until the map data "
        "decoded by a probe (every 0.25 s) shows the new point; `failed` there counts the "
        "saves never seen."
    ),
    finalize=_targets,
)
def run(size: int, workdir: Path, ctx: Context) -> list[Row]:
    rows: list[Row] = []
    static = {"STATIC_ROOT": str(workdir / "static"), "STATIC_MANIFEST": "false"}
    for vendor in ctx.vendors():
        db = ctx.fresh_database(vendor, workdir, f"mapwrites-{vendor}")
        try:
            ctx.log(f"mapwrites {vendor}: {size:,} initiatives and a superuser")
            setup = run_worker(
                "stress_setup",
                {
                    "count": size,
                    "seed": ctx.options.seed,
                    "writers": 0,
                    "shown": WRITERS * PER_WRITER + 50,
                    "username": ADMIN_USERNAME,
                    "password": ADMIN_PASSWORD,
                },
                django_env(db, workdir / "var"),
            )
            logs = [workdir / f"server-{vendor}-{n}.log" for n in "ab"]
            with ExitStack() as stack:
                cache_env = stack.enter_context(shared_cache(ctx, vendor))
                urls = [
                    stack.enter_context(
                        app_server(db, workdir / f"var-{n}", log, **static, **cache_env)
                    )
                    for n, log in zip("ab", logs, strict=True)
                ]
                stack.enter_context(
                    job_worker(
                        django_env(db, workdir / "var-w", **cache_env),
                        workdir / f"worker-{vendor}.log",
                    )
                )
                for url in urls:  # the first version, built before the timed window
                    httpx.get(url + MAP_PATH, timeout=600)
                # Straight to the app servers first, then as visitors reach them: through
                # the deployment's nginx (deploy/nginx/, page cache on) in front of both.
                proxy = stack.enter_context(
                    running_nginx(
                        workdir / f"nginx-{vendor}",
                        free_port(),
                        [url.removeprefix("http://") for url in urls],
                    )
                )
                for via, targets in ((VIA_DIRECT, urls), (VIA_PROXY, [proxy])):
                    ctx.log(f"mapwrites {vendor}: {DURATION_S:g} s of load on {via}")
                    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                        stats, reach = pool.submit(
                            asyncio.run, run_load(targets, setup["shown"], DURATION_S)
                        ).result()
                    rows += _rows(stats, reach, vendor, size, via)
                    saves = len(stats.latencies["admin change form POST"])
                    ctx.note(
                        f"mapwrites {vendor} {size:,} ({via}): {saves} saves in "
                        f"{stats.elapsed:.0f} s ({saves / stats.elapsed:.2f}/s for "
                        f"{WRITES_PER_SECOND:g} asked)"
                        + (
                            f"; {reach.unseen} overwritten before seen (not counted)"
                            if reach.unseen
                            else ""
                        )
                        + "."
                    )
            for log in logs:
                logged = server_errors(log)
                if logged:
                    summary = "; ".join(f"{n} × {m}" for m, n in logged.most_common(3))
                    ctx.note(f"mapwrites {vendor} {size:,}: {log.name} logged {summary}.")
        finally:
            db.drop()
    return rows
