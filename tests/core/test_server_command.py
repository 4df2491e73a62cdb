"""The application server's command line (config/server.py), as `make run` builds it from
the environment; a setting it cannot use is refused in French before anything starts."""

import subprocess
import sys
from itertools import pairwise

import pytest

from config import server


def test_the_command_carries_the_settings():
    argv = server.command(
        {"PEPITES_BIND": "0.0.0.0:9000", "WEB_CONCURRENCY": "2", "PEPITES_THREADS": "4"}
    )
    assert argv[-1] == "config.wsgi:application"
    pairs = dict(pairwise(argv))
    assert (pairs["--interface"], pairs["--host"], pairs["--port"]) == ("wsgi", "0.0.0.0", "9000")
    assert (pairs["--workers"], pairs["--blocking-threads"]) == ("2", "4")
    # The access log is on unless turned off, in JSON (as the application's lines) unless
    # LOG_FORMAT=text; its line carries the X-Request-ID set by the reverse proxy.
    assert "--access-log" in argv
    assert pairs["--log-config"].endswith("config/granian_logging.json")
    assert "%(header{x-request-id})s" in pairs["--access-log-fmt"]
    assert "--access-log" not in server.command({"PEPITES_ACCESS_LOG": "false"})
    assert "--log-config" not in server.command({"LOG_FORMAT": "text"})
    assert "--log-config" not in server.command({"DEBUG": "true"})


def test_defaults_when_nothing_is_set():
    pairs = dict(pairwise(server.command({})))
    assert (pairs["--host"], pairs["--port"], pairs["--workers"]) == ("127.0.0.1", "8000", "3")


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"PEPITES_BIND": "localhost"}, "PEPITES_BIND"),
        ({"PEPITES_BIND": "127.0.0.1:99999"}, "PEPITES_BIND"),
        ({"WEB_CONCURRENCY": "trois"}, "WEB_CONCURRENCY"),
        ({"PEPITES_THREADS": "0"}, "PEPITES_THREADS"),
    ],
)
def test_a_setting_that_cannot_be_used_is_named(env, name):
    with pytest.raises(server.SettingError, match=name):
        server.command(env)


def test_the_entry_point_says_what_is_wrong_and_does_not_start():
    done = subprocess.run(
        [sys.executable, "-m", "config.server"],
        cwd=server.REPO_DIR,
        env={"PATH": "/usr/bin:/bin", "WEB_CONCURRENCY": "beaucoup"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Réglage du serveur invalide : WEB_CONCURRENCY doit être un entier positif" in (
        done.stderr
    )


def test_the_entry_point_refuses_to_start_without_a_secret_key():
    done = subprocess.run(
        [sys.executable, "-m", "config.server"],
        cwd=server.REPO_DIR,
        env={"PATH": "/usr/bin:/bin", "PEPITES_BIND": "127.0.0.1:9"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "SECRET_KEY manquant" in done.stderr
    assert "la même valeur sur tous les serveurs" in done.stderr


def test_the_embedded_worker_setting():
    assert server.embedded_worker({}) is True  # the embedded instance runs its worker
    assert server.embedded_worker({"PEPITES_EMBEDDED_WORKER": "false"}) is False
    with pytest.raises(server.SettingError, match="PEPITES_EMBEDDED_WORKER doit valoir"):
        server.embedded_worker({"PEPITES_EMBEDDED_WORKER": "peut-être"})


def test_the_embedded_workers_keep_the_long_builds_apart_and_below_the_pages():
    default, bulk = server.worker_commands()
    assert default[-2:] == ["--queue", "default"]
    assert bulk[-4:] == ["--queue", "bulk", "--nice", "10"]
