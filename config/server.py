"""The application server, as `make run` and `make serve` start it: Granian serving the WSGI
application (config.wsgi), several worker processes with a pool of threads each.

    python -m config.server        # reads PEPITES_BIND, WEB_CONCURRENCY, PEPITES_THREADS…

With PEPITES_EMBEDDED_WORKER true (the default, for the embedded instance) it also starts a
job-queue worker (`pepites worker`) beside the web server, restarts it if it dies, and stops
it when the server stops: `make run` needs nothing else. In a deployment with several
servers, set it to false and run workers as their own services (docs/deploiement.md).

Why Granian rather than gunicorn: its HTTP layer is in Rust, so a request the application
answers in microseconds (the map data's 304 revalidation, served before Django) costs a
fraction of what a Python HTTP server adds (`mapserve` in docs/benchmarks.md). The
benchmarks and the tests that need a real server start it through `running()`, so they
measure exactly what `make run` serves.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO_DIR = Path(__file__).resolve().parent.parent
APPLICATION = "config.wsgi:application"
TRUE = {"1", "true", "yes", "on"}
# The request id header (set by the reverse proxy) is the last field: JsonFormatter makes it
# the line's request_id (pepites/core/logging.py).
ACCESS_LOG_TEXT = (
    '[%(time)s] %(addr)s "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1f ms '
    "id=%(header{x-request-id})s"
)
ACCESS_LOG_JSON = "%(method)s %(path)s %(status)d %(header{x-request-id})s"


def _granian() -> list[str]:
    beside = Path(sys.executable).parent / "granian"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("granian")
    return [found] if found else [sys.executable, "-m", "granian"]


class SettingError(ValueError):
    """A server setting that cannot be used, said in French for whoever starts it."""


def _positive(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).strip()
    if not value.isdigit() or int(value) < 1:
        raise SettingError(f"{name} doit être un entier positif (reçu : {value!r}).")
    return value


def command(env: Mapping[str, str] | None = None) -> list[str]:
    """The server's command line, from the environment's variables (see .env.example)."""
    env = os.environ if env is None else env
    bind = (env.get("PEPITES_BIND") or "127.0.0.1:8000").strip()
    host, _, port = bind.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingError(
            f"PEPITES_BIND doit être de la forme adresse:port, ex. 127.0.0.1:8000 (reçu : {bind!r})."
        )
    argv = [
        *_granian(),
        "--interface",
        "wsgi",
        "--host",
        host or "127.0.0.1",
        "--port",
        port,
        "--workers",
        _positive(env, "WEB_CONCURRENCY", "3"),
        # Threads per worker: a request waiting on SQLite's busy timeout holds one.
        "--blocking-threads",
        _positive(env, "PEPITES_THREADS", "8"),
        "--backlog",
        "2048",
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        "30",
        "--no-ws",
    ]
    return [*argv, *_log_options(env), APPLICATION]


def _log_options(env: Mapping[str, str]) -> list[str]:
    """Granian's own lines and its access log (on unless PEPITES_ACCESS_LOG is false), in
    the application's LOG_FORMAT; the access line carries the request's X-Request-ID."""
    debug = (env.get("DEBUG") or "").lower() in TRUE
    log_format = env.get("LOG_FORMAT") or ("text" if debug else "json")
    options = []
    if log_format == "json":
        options += ["--log-config", str(REPO_DIR / "config" / "granian_logging.json")]
        access_format = ACCESS_LOG_JSON
    else:
        access_format = ACCESS_LOG_TEXT
    if (env.get("PEPITES_ACCESS_LOG") or "true").lower() in TRUE:
        options += ["--access-log", "--access-log-fmt", access_format]
    return options


@contextmanager
def running(
    env: Mapping[str, str],
    log_path: Path,
    *,
    timeout: float = 60,
    prefix: Sequence[str] = (),
    up_status: int = 200,
) -> Iterator[str]:
    """Start the server with `env` (which must set PEPITES_BIND), wait until /healthz
    answers `up_status`, yield its base URL, stop it. `prefix`: a command wrapping the
    server's (tests: a mount namespace with a read-only var/)."""
    base_url = "http://" + env["PEPITES_BIND"]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*prefix, *command(env)],
            cwd=REPO_DIR,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"the server exited ({process.returncode}):\n{log_path.read_text()}"
                    )
                try:
                    if httpx.get(f"{base_url}/healthz", timeout=2).status_code == up_status:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the server did not answer /healthz within {timeout:.0f} s:\n"
                        f"{log_path.read_text()}"
                    )
                time.sleep(0.2)
            yield base_url
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop a server (or a worker) gracefully, then for good after 30 s."""
    if process.poll() is None:
        process.terminate()
    _wait_or_kill(process)


def _wait_or_kill(process: subprocess.Popen) -> None:
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def embedded_worker(env: Mapping[str, str]) -> bool:
    value = (env.get("PEPITES_EMBEDDED_WORKER") or "true").strip().lower()
    if value not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise SettingError(f"PEPITES_EMBEDDED_WORKER doit valoir true ou false (reçu : {value!r}).")
    return value in {"1", "true", "yes", "on"}


def worker_command() -> list[str]:
    return [sys.executable, "-m", "config.manage", "worker"]


def worker_commands() -> list[list[str]]:
    """The embedded workers: one on "default" (the map's data, e-mails: seconds), one on
    "bulk" (the open-data files: minutes of CPU at 100,000 initiatives) at a lower CPU
    priority, so that a long build never delays the map nor slows the pages it shares the
    machine with (`mapwrites` in docs/benchmarks.md)."""
    return [
        [*worker_command(), "--queue", "default"],
        [*worker_command(), "--queue", "bulk", "--nice", "10"],
    ]


def supervise(argv: list[str], env: Mapping[str, str]) -> int:
    """Run the web server and the workers until the server stops (SIGTERM/SIGINT to this
    process stop them all: a worker finishes its current task first, up to 30 s)."""
    # Own sessions: a Ctrl-C in the terminal reaches this process only, which stops each
    # child once (a second signal would make the worker drop its task).
    server = subprocess.Popen(argv, env=dict(env), start_new_session=True)
    commands = worker_commands()
    workers = [subprocess.Popen(c, env=dict(env), start_new_session=True) for c in commands]
    stopping = False

    def on_signal(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        for child in (server, *workers):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        while server.poll() is None:
            for index, worker in enumerate(workers):
                if worker.poll() is not None and not stopping:
                    print("Un worker s'est arrêté ; il est relancé.", file=sys.stderr, flush=True)
                    time.sleep(1)
                    workers[index] = subprocess.Popen(
                        commands[index], env=dict(env), start_new_session=True
                    )
            time.sleep(0.5)
    finally:
        for child in (*workers, server):
            # Told once already when stopping: a second SIGTERM would cut the worker short.
            if not stopping and child.poll() is None:
                child.send_signal(signal.SIGTERM)
            _wait_or_kill(child)
    return server.returncode


def main() -> None:
    try:
        argv = command()
        with_worker = embedded_worker(os.environ)
    except SettingError as error:
        sys.exit(f"Réglage du serveur invalide : {error}")
    from pepites.core.startup import secret_key_problem

    problem = secret_key_problem(os.environ)
    if problem:
        sys.exit(problem)
    if not with_worker:
        os.execv(argv[0], argv)
    sys.exit(supervise(argv, os.environ))


if __name__ == "__main__":
    main()
