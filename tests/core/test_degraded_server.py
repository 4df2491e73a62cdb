"""The real application server (config/server.py: Granian, several processes) in front of
failing surroundings: a Redis that drops packets, a read-only var/, a database that is
unreachable or whose connections are killed (pg_terminate_backend)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bench.common import free_port
from config import server
from tests.api import live_server
from tests.core.silent_servers import closed_port, silent_server

REPO = Path(__file__).resolve().parents[2]
CACHE_TIMEOUT = 0.3
PAGES = ["/", "/centres/", "/thematiques/", "/quartiers/", "/donnees/"]


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _fresh_postgres_database(url: str, name: str) -> str:
    import psycopg

    base, _, _db = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A prepared database (the demonstration content) outside var/, and its environment."""
    folder = tmp_path_factory.mktemp("degraded")
    var = folder / "var"
    var.mkdir()
    env = live_server.environment(var, 0)
    pg = _postgres_url()
    if pg:
        name = pg.rpartition("/")[2] + "_degraded"  # beside the run's own database
        env["DATABASE_URL"] = _fresh_postgres_database(pg, name)
    else:
        (folder / "db").mkdir()
        env["DATABASE_URL"] = f"sqlite:///{folder / 'db' / 'site.sqlite3'}"
    env.update(MEDIA_ROOT=str(var / "media"), LOG_LEVEL="WARNING", LOG_FORMAT="json")
    prepared = subprocess.run(
        [sys.executable, "-m", "tests.api.live_server"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert prepared.returncode == 0, prepared.stderr
    return folder, env


def serve(site_env: dict, folder: Path, name: str, **extra: str):
    port = free_port()
    env = {**site_env, "PEPITES_BIND": f"127.0.0.1:{port}", "SITE_URL": f"http://127.0.0.1:{port}"}
    env.update(extra)
    return env, folder / f"{name}.log"


def json_lines(log: Path) -> list[dict]:
    lines = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))  # every structured line is valid JSON
    return lines


def an_initiative_page(client: httpx.Client) -> str:
    match = re.search(r'href="(/initiatives/[\w-]+/)"', client.get("/").text)
    assert match
    return match.group(1)


def test_a_silent_redis_costs_each_page_at_most_one_timeout(site):
    folder, site_env = site
    with silent_server() as redis_port:
        env, log = serve(
            site_env,
            folder,
            "silent-redis",
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            CACHE_CONNECT_TIMEOUT=str(CACHE_TIMEOUT),
            CACHE_TIMEOUT=str(CACHE_TIMEOUT),
        )
        with server.running(env, log) as base, httpx.Client(base_url=base, timeout=30) as client:
            pages = [*PAGES, an_initiative_page(client), "/carte/donnees.bin"]
            for url in pages * 3:
                started = time.monotonic()
                response = client.get(url, headers={"X-Request-ID": f"essai-{len(url):04d}-x"})
                elapsed = time.monotonic() - started
                assert response.status_code == 200, url
                assert elapsed < CACHE_TIMEOUT + 2.0, (url, elapsed)
            ready = client.get("/healthz/ready")
            assert ready.status_code == 200
            assert ready.json()["status"] == "degraded"
            assert ready.json()["checks"]["cache"]["status"] == "degraded"
    lines = json_lines(log)
    failures = [x for x in lines if x["logger"] == "pepites.cache" and x["level"] == "ERROR"]
    # Logged once per server process (2), not per request (24) — plus readiness' own probe.
    assert 1 <= len(failures) <= 3
    access = [x for x in lines if x["logger"] == "granian.access"]
    assert access and all("time" in x and "status" in x for x in access)
    assert any(x.get("request_id", "").startswith("essai-") for x in access)


def _read_only_prefix(folder: Path) -> list[str]:
    """Run the server with `folder` read-only, even as root: a read-only bind mount in a
    mount namespace of its own. Not root: take the write permission away."""
    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
        return []
    if not shutil.which("unshare"):
        pytest.skip("unshare is needed to make a folder read-only for root")
    script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"'
    probe = subprocess.run(["unshare", "-m", "sh", "-c", script, str(folder), "true"], check=False)
    if probe.returncode:
        pytest.skip("no mount namespace here")
    return ["unshare", "-m", "sh", "-c", script, str(folder)]


def test_a_read_only_var_still_serves_the_home_page_and_the_map_data(site):
    folder, site_env = site
    var = Path(site_env["PEPITES_VAR_DIR"])
    env, log = serve(site_env, folder, "writable")
    with server.running(env, log) as base, httpx.Client(base_url=base, timeout=30) as client:
        built = client.get("/carte/donnees.bin")
        assert built.status_code == 200
    # The data change after the last build: the map data live in the database, not in var/.
    touch = (
        "import django; django.setup(); from django.utils import timezone;"
        "from pepites.initiatives.models import Initiative;"
        "Initiative.objects.filter(pk=Initiative.objects.order_by('pk').first().pk)"
        ".update(updated_at=timezone.now())"
    )
    subprocess.run([sys.executable, "-c", touch], cwd=REPO, env=env, check=True, timeout=120)
    env, log = serve(site_env, folder, "read-only")
    prefix = _read_only_prefix(var)
    try:
        with (
            server.running(env, log, prefix=prefix) as base,
            httpx.Client(base_url=base, timeout=30) as client,
        ):
            for url in [*PAGES, an_initiative_page(client)]:
                assert client.get(url).status_code == 200, url
            served = client.get("/carte/donnees.bin")
            assert served.status_code == 200
            assert served.content[:4] == built.content[:4] == b"PMD1"
            ready = client.get("/healthz/ready").json()
            assert ready["checks"]["disk"]["var"]["read_only"] is True
            assert ready["status"] == "degraded"
    finally:
        if not prefix:
            subprocess.run(["chmod", "-R", "u+w", str(var)], check=True)
    errors = [x for x in json_lines(log) if x["level"] == "ERROR"]
    assert not [x for x in errors if "carte" in x["message"]]


def test_with_the_database_unreachable_the_500_page_is_french_and_not_ready(site):
    folder, site_env = site
    env, log = serve(
        site_env,
        folder,
        "no-database",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/pepites",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    with (
        server.running(env, log, up_status=503) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        page = client.get("/centres/")
        assert page.status_code == 500
        assert "Un problème nous empêche d'afficher cette page" in page.text
        assert page.headers["X-Request-ID"] in page.text  # the reference to quote
        assert 'role="search"' in page.text
        ready = client.get("/healthz/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"]["status"] == "failed"
    errors = [x for x in json_lines(log) if x["logger"] == "django.request"]
    assert any(x.get("request_id") == page.headers["X-Request-ID"] for x in errors)


@pytest.mark.skipif(not _postgres_url(), reason="PostgreSQL only (pg_terminate_backend)")
@pytest.mark.parametrize("health_checks", ["true", "false"])
def test_killed_database_connections_cost_no_request(site, health_checks):
    import psycopg

    folder, site_env = site
    env, log = serve(
        site_env, folder, f"terminate-{health_checks}", CONN_HEALTH_CHECKS=health_checks
    )
    with server.running(env, log) as base, httpx.Client(base_url=base, timeout=30) as client:
        urls = [*PAGES, an_initiative_page(client)] * 4

        def statuses() -> list[int]:
            with ThreadPoolExecutor(8) as pool:
                return list(pool.map(lambda url: client.get(url).status_code, urls))

        assert set(statuses()) == {200}  # every thread now holds a pooled connection
        database = env["DATABASE_URL"].rpartition("/")[2]
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [database],
            ).fetchone()[0]
        assert killed >= 2
        after = statuses()
    if health_checks == "true":
        assert set(after) == {200}
    else:  # the contrast: without the checks, the killed connections fail requests
        assert 500 in after


def _login(client: httpx.Client, email: str, password: str) -> httpx.Response:
    client.get("/compte/connexion/")
    return client.post(
        "/compte/connexion/",
        data={
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": str(client.base_url) + "/compte/connexion/"},
    )


def test_two_servers_sharing_the_key_share_sessions_and_the_login_lockout(site):
    folder, site_env = site
    account = (
        "import django; django.setup(); from django.contrib.auth.models import User;"
        "User.objects.filter(username='deux').delete();"
        "User.objects.create_user('deux', 'deux@example.org', 'Mot-de-passe-Pepites-42');"
        "User.objects.filter(username='verrou').delete();"
        "User.objects.create_user('verrou', 'verrou@example.org', 'Mot-de-passe-Pepites-42')"
    )
    env_a, log_a = serve(site_env, folder, "server-a")
    env_b, log_b = serve(site_env, folder, "server-b")
    subprocess.run([sys.executable, "-c", account], cwd=REPO, env=env_a, check=True, timeout=120)
    with (
        server.running(env_a, log_a) as base_a,
        server.running(env_b, log_b) as base_b,
        httpx.Client(base_url=base_a, timeout=30) as a,
        httpx.Client(base_url=base_b, timeout=30) as b,
    ):
        assert _login(a, "deux@example.org", "Mot-de-passe-Pepites-42").status_code == 302
        assert b.get("/espace/").status_code == 302  # anonymous on B: to the login page
        b.cookies.update(a.cookies)
        # The session opened on A holds on B: logged in (an account of no centre: the
        # French 403 page, not the login page).
        workspace = b.get("/espace/")
        assert workspace.status_code == 403
        assert "Vous n'avez pas accès à cette page" in workspace.text
        # Wrong passwords alternately on A and B: the limit (5) counts them together.
        for attempt in range(5):
            client = (a, b)[attempt % 2]
            client.cookies.clear()
            _login(client, "verrou@example.org", "faux")
        b.cookies.clear()
        refused = _login(b, "verrou@example.org", "Mot-de-passe-Pepites-42")
        assert refused.status_code == 200
        assert "Trop de tentatives de connexion échouées" in refused.text
