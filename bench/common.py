"""What every benchmark shares: throwaway databases, Django subprocesses, the run's context.

The benchmark process itself never configures Django: everything that touches a database
runs in a subprocess (`python -m bench.worker`, `manage.py` commands, the application
server) whose environment points DATABASE_URL and PEPITES_VAR_DIR at a temporary folder,
so the instance's own var/pepites.sqlite3 is never opened.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench.options import Options
from bench.worker import RESULT_MARKER

REPO_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
PYTHON = sys.executable
SQLITE_FILE = "pepites.sqlite3"
# Variables of the caller's environment that must not leak into a benchmark's subprocesses.
SCRUBBED_ENV = (
    "DATABASE_URL",
    "PEPITES_VAR_DIR",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "SQLITE_TRANSACTION_MODE",
    "DJANGO_SETTINGS_MODULE",
    "PEPITES_BIND",
    "PEPITES_ACCESS_LOG",
    # A cache shared with another instance (CI's Redis) would mix its entries with the
    # throwaway database's: the benchmarks use the default cache, local to each process.
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
)


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of unsorted values (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


@dataclass
class Database:
    """One throwaway database: a SQLite file, or a scratch PostgreSQL database."""

    vendor: str  # "sqlite" or "postgresql"
    url: str
    path: Path | None = None
    name: str | None = None
    admin_url: str | None = None  # PostgreSQL: where CREATE/DROP DATABASE are run

    def size_bytes(self) -> int:
        if self.vendor == "sqlite":
            assert self.path is not None
            files = [self.path, Path(f"{self.path}-wal")]
            return sum(f.stat().st_size for f in files if f.exists())
        with _pg_connect(self.admin_url) as conn:
            return conn.execute("SELECT pg_database_size(%s)", [self.name]).fetchone()[0]

    def drop(self) -> None:
        if self.vendor == "postgresql":
            _pg_drop(self.admin_url, self.name)


def _pg_connect(url: str | None):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _pg_create(admin_url: str | None, name: str, template: str | None = None) -> None:
    from psycopg import sql

    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _pg_connect(admin_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(statement)


def _pg_drop(admin_url: str | None, name: str | None) -> None:
    from psycopg import sql

    if not name:
        return
    with _pg_connect(admin_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _pg_url(admin_url: str, name: str) -> str:
    return urlsplit(admin_url)._replace(path=f"/{name}").geturl()


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (WAL content included)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def django_env(db: Database, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a Django subprocess working on `db` with `var_dir` as var/."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=db.url,
        PEPITES_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    # A server refuses to start without an explicit key (pepites/core/startup.py).
    env.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
    env.update(extra)
    return env


def run_worker(
    task: str,
    args: dict,
    env: dict[str, str],
    *,
    timeout: float = 3600,
    module: str = "bench.worker",
) -> dict:
    """Run a task of a worker module (`bench.worker` or a benchmark's own) in a subprocess
    and return the JSON result it prints."""
    process = subprocess.run(
        [PYTHON, "-m", module, task, json.dumps(args)],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    results = [
        line[len(RESULT_MARKER) :]
        for line in process.stdout.splitlines()
        if line.startswith(RESULT_MARKER)
    ]
    if process.returncode != 0 or not results:
        raise RuntimeError(
            f"{module} {task} failed (exit {process.returncode}):\n"
            f"{process.stdout[-3000:]}\n{process.stderr[-5000:]}"
        )
    return json.loads(results[-1])


def run_manage(args: list[str], env: dict[str, str], *, timeout: float = 600) -> None:
    process = subprocess.run(
        [PYTHON, "-m", "config.manage", *args],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if process.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed (exit {process.returncode}):\n"
            f"{process.stdout[-3000:]}\n{process.stderr[-5000:]}"
        )


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} + local changes" if dirty else head


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def machine_summary(load_at_start: float) -> str:
    """The machine, its 1-minute load average at the start and now, and the code measured."""
    import django

    return (
        f"{os.cpu_count()} CPUs, load average {load_at_start:.2f} at start and "
        f"{load_average():.2f} at end · "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"Django {django.get_version()} · commit {git_revision()}"
    )


class Context:
    """What a run shares between benchmarks: options, prepared templates, notes, targets.

    The reference data (migrations, COG, centres, themes) is loaded once per database
    vendor into a template; every benchmark then gets a fresh copy of it.
    """

    def __init__(self, options: Options, root: Path) -> None:
        self.options = options
        self.root = root
        self.current = ""  # name of the benchmark running, set by the runner
        self.notes: dict[str, list[str]] = defaultdict(list)
        self.targets: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        self.prepare_timings: dict[str, dict[str, float]] = {}
        self._templates: dict[str, Database] = {}
        self._static_root: Path | None = None
        self._serial = 0

    # --- results -----------------------------------------------------------------------
    def note(self, text: str) -> None:
        if text not in self.notes[self.current]:
            self.notes[self.current].append(text)

    def target(self, text: str, ok: bool) -> None:
        self.targets[self.current].append((text, ok))

    def log(self, message: str) -> None:
        if self.options.verbose:
            log(f"{self.current}: {message}" if self.current else message)

    # --- databases ---------------------------------------------------------------------
    def vendors(self) -> list[str]:
        return ["sqlite", "postgresql"] if self.options.postgres_url else ["sqlite"]

    def _scratch_name(self, label: str) -> str:
        self._serial += 1
        # BENCH_DB_PREFIX: where a shared PostgreSQL server reserves names for this run.
        prefix = os.environ.get("BENCH_DB_PREFIX", "pepites_bench")
        return f"{prefix}_{os.getpid()}_{self._serial}_{label}"[:63]

    def _template(self, vendor: str) -> Database:
        if vendor in self._templates:
            return self._templates[vendor]
        folder = self.root / f"template-{vendor}"
        folder.mkdir(parents=True, exist_ok=True)
        if vendor == "sqlite":
            path = folder / SQLITE_FILE
            db = Database(vendor, f"sqlite:///{path}", path=path)
        else:
            admin_url = self.options.postgres_url
            assert admin_url
            name = self._scratch_name("template")
            _pg_create(admin_url, name)
            db = Database(vendor, _pg_url(admin_url, name), name=name, admin_url=admin_url)
        self._templates[vendor] = db
        self.log(f"preparing the {vendor} template (migrate + load_reference_data)")
        self.prepare_timings[vendor] = run_worker("prepare", {}, django_env(db, folder))
        return db

    def fresh_database(self, vendor: str, workdir: Path, label: str) -> Database:
        """A new database holding the reference data only; drop it with `.drop()`."""
        template = self._template(vendor)
        if vendor == "sqlite":
            path = workdir / label / SQLITE_FILE
            copy_sqlite(template.path, path)
            return Database(vendor, f"sqlite:///{path}", path=path)
        admin_url = self.options.postgres_url
        name = self._scratch_name(label)
        _pg_create(admin_url, name, template=template.name)
        return Database(vendor, _pg_url(admin_url, name), name=name, admin_url=admin_url)

    @contextmanager
    def database(self, vendor: str, workdir: Path, label: str) -> Iterator[Database]:
        db = self.fresh_database(vendor, workdir, label)
        try:
            yield db
        finally:
            db.drop()

    def copy_database(self, db: Database, workdir: Path, label: str) -> Database:
        """A copy of `db` as it is now (for reruns that must start from the same state)."""
        if db.vendor == "sqlite":
            path = workdir / label / SQLITE_FILE
            copy_sqlite(db.path, path)
            return Database("sqlite", f"sqlite:///{path}", path=path)
        name = self._scratch_name(label)
        _pg_create(db.admin_url, name, template=db.name)
        return Database(db.vendor, _pg_url(db.admin_url, name), name=name, admin_url=db.admin_url)

    def static_root(self) -> Path:
        """Static files collected once per run, as `make setup` does before `make serve`."""
        if self._static_root is None:
            folder = self.root / "static"
            var_dir = self.root / "static-var"
            template = self._template("sqlite")
            started = time.perf_counter()
            run_manage(
                ["collectstatic", "--noinput", "-v0"],
                django_env(template, var_dir, STATIC_ROOT=str(folder)),
            )
            self.log(f"collectstatic in {time.perf_counter() - started:.1f} s")
            self._static_root = folder
        return self._static_root

    def close(self) -> None:
        for db in self._templates.values():
            try:
                db.drop()
            except Exception as exc:  # a failed cleanup must not hide the results
                log(f"could not drop {db.name}: {exc}")
        self._templates.clear()


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
