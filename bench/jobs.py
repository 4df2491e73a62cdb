"""`jobs`: the job queue's throughput and latency (django-tasks, database backend).

N jobs are enqueued on a fresh database, then 1 or 2 `pepites worker` processes run them:
no-op jobs, and e-mails sent to a real SMTP server on this machine (aiosmtpd, bench/
smtpsink.py). Throughput counts from the first job's start to the last one's end (the
workers' start-up is not counted). The latency is measured apart: with one idle worker
(default polling interval, 1 s), no-op jobs enqueued one every 0.1 s; from enqueue to start.

    python -m bench.jobs_worker TASK '{"json": "arguments"}'   (the Django side)
"""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

from bench.common import PYTHON, REPO_DIR, Context, Database, django_env, free_port, run_worker
from bench.registry import Row, register
from bench.smtpsink import SmtpSink

JOBS = 1_000
TABLE = "django_tasks_database_dbtaskresult"


def _finished(db: Database) -> int:
    query = f"SELECT count(*) FROM {TABLE} WHERE status IN ('SUCCESSFUL', 'FAILED')"
    if db.vendor == "sqlite":
        with sqlite3.connect(db.path) as conn:
            return conn.execute(query).fetchone()[0]
    import psycopg

    with psycopg.connect(db.url) as conn:
        return conn.execute(query).fetchone()[0]


def _start_workers(count: int, env: dict[str, str], log: Path) -> list[subprocess.Popen]:
    with log.open("a") as output:
        return [
            subprocess.Popen(
                [PYTHON, "-m", "config.manage", "worker", "--interval", "0.05"],
                cwd=REPO_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            for _ in range(count)
        ]


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _wait_done(db: Database, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _finished(db) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the workers ran {_finished(db)} of {count} jobs in {timeout} s")
        time.sleep(0.2)


def _throughput(ctx: Context, vendor: str, kind: str, workers: int, workdir: Path) -> Row:
    label = f"{vendor}-{kind}-{workers}"
    with ctx.database(vendor, workdir, label) as db, SmtpSink(free_port()) as sink:
        env = django_env(
            db,
            workdir / label / "var",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
        )
        enqueued = run_worker("enqueue", {"kind": kind, "count": JOBS}, env, module=MODULE)
        running = _start_workers(workers, env, workdir / f"{label}.log")
        try:
            _wait_done(db, JOBS, ctx.options.timeout * 10)
        finally:
            _stop(running)
        stats = run_worker("stats", {}, env, module=MODULE)
        sent = len(sink.messages)
    if kind == "email" and sent != JOBS:
        ctx.note(f"{label}: {sent} e-mails received for {JOBS} jobs.")
    return {
        "database": vendor,
        "size": JOBS,
        "jobs": kind,
        "workers": workers,
        "enqueue (jobs/s)": JOBS / enqueued["enqueue_s"],
        "run (jobs/s)": stats["done"] / stats["span_s"],
        "failed": stats["failed"],
    }


def _latency(ctx: Context, vendor: str, workdir: Path) -> Row:
    label = f"{vendor}-latency"
    with ctx.database(vendor, workdir, label) as db:
        env = django_env(db, workdir / label / "var")
        running = subprocess.Popen(
            [PYTHON, "-m", "config.manage", "worker"],
            cwd=REPO_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(3)  # started and idle
            result = run_worker("trickle", {"count": 50, "every": 0.1}, env, module=MODULE)
        finally:
            _stop([running])
    return {
        "database": vendor,
        "size": 50,
        "jobs": "noop, one every 0.1 s (latency)",
        "workers": 1,
        "enqueue → start p50 (s)": result["p50_s"],
        "p95 (s)": result["p95_s"],
        "max (s)": result["max_s"],
    }


MODULE = "bench.jobs_worker"


@register(
    "jobs",
    title="Job queue: throughput and latency",
    description=(
        f"{JOBS:,} jobs enqueued on a fresh database, then run by 1 or 2 `pepites worker` "
        "processes: no-op jobs, and e-mails to a local SMTP server (aiosmtpd). Jobs/s from "
        "the first start to the last end. Latency: one idle worker (polling every 1 s, the "
        "default), 50 no-op jobs enqueued one every 0.1 s, time from enqueue to start."
    ),
    sized=False,
    fixed_size=lambda options: JOBS,
)
def run(size: int, workdir: Path, ctx: Context) -> list[Row]:
    rows = []
    for vendor in ctx.vendors():
        for kind in ("noop", "email"):
            for workers in (1, 2):
                ctx.log(f"{vendor}: {JOBS:,} {kind} jobs, {workers} worker(s)")
                rows.append(_throughput(ctx, vendor, kind, workers, workdir))
        rows.append(_latency(ctx, vendor, workdir))
    return rows
