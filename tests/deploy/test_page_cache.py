"""The deployment's page cache (deploy/nginx/): nginx keeps the anonymous public pages,
revalidates them by their ETag, never shares a page with a visitor who has a session, and
shows a change of an initiative within the documented delay (SHARED_CACHE_SECONDS plus
DATA_VERSION_SECONDS)."""

from __future__ import annotations

import time

import httpx
import pytest

from bench.common import free_port
from config import server
from pepites.initiatives.services import update_initiative
from tests.api.live_server import environment
from tests.deploy.nginx import NGINX, running_nginx
from tests.deploy.test_two_servers import database_url
from tests.initiatives.helpers import new_initiative

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx absent (apt-get install nginx)"),
    pytest.mark.django_db(transaction=True),
]
SHARED_CACHE_SECONDS = 2
DATA_VERSION_SECONDS = 1


def test_a_change_is_visible_through_the_cache_within_the_delay(tmp_path, reference_data):
    initiative = new_initiative(title="Une recyclerie de quartier", status="publiee")
    port = free_port()
    env = environment(tmp_path / "app", port)
    env.update(
        DATABASE_URL=database_url(),
        PEPITES_VAR_DIR=str(tmp_path / "app"),
        WEB_CONCURRENCY="1",
        SHARED_CACHE_SECONDS=str(SHARED_CACHE_SECONDS),
        DATA_VERSION_SECONDS=str(DATA_VERSION_SECONDS),
    )
    address = f"127.0.0.1:{port}"
    page = f"/initiatives/{initiative.slug}/"
    with (
        server.running(env, tmp_path / "server.log"),
        running_nginx(tmp_path / "nginx", free_port(), [address, address]) as proxy,
        httpx.Client(base_url=proxy, timeout=30) as client,
    ):
        first = client.get(page)
        assert first.status_code == 200 and "Une recyclerie de quartier" in first.text
        again = client.get(page)
        assert again.headers["x-cache-status"] == "HIT" and again.text == first.text
        assert "set-cookie" not in again.headers

        # A member's session always reaches the application.
        member = client.get(page, headers={"Cookie": "sessionid=une-session"})
        assert member.headers["x-cache-status"] == "BYPASS"
        assert member.headers["cache-control"] == "private, no-cache"

        update_initiative(
            initiative=initiative, expected_version=initiative.version, title="La recyclerie"
        )
        changed_at = time.monotonic()
        delay = SHARED_CACHE_SECONDS + DATA_VERSION_SECONDS
        while "La recyclerie" not in client.get(page).text:
            assert time.monotonic() - changed_at < delay + 2, "change not visible in time"
            time.sleep(0.2)
        seen_after = time.monotonic() - changed_at
        assert seen_after <= delay + 2

        # Later revalidations are answered 304 by the application: still cached.
        time.sleep(SHARED_CACHE_SECONDS + 0.5)
        statuses = {client.get(page).headers["x-cache-status"] for _ in range(3)}
        assert statuses <= {"HIT", "STALE", "UPDATING", "REVALIDATED"}


def test_files_with_their_own_etag_bypass_the_page_cache(tmp_path, reference_data):
    """The map's data is revalidated by the application itself (its 304), never held by
    the page cache (no X-Cache-Status: nginx did not even look)."""
    new_initiative(title="Une recyclerie de quartier", status="publiee")
    port = free_port()
    env = environment(tmp_path / "app", port)
    env.update(
        DATABASE_URL=database_url(), PEPITES_VAR_DIR=str(tmp_path / "app"), WEB_CONCURRENCY="1"
    )
    address = f"127.0.0.1:{port}"
    with (
        server.running(env, tmp_path / "server.log"),
        running_nginx(tmp_path / "nginx", free_port(), [address, address]) as proxy,
        httpx.Client(base_url=proxy, timeout=30) as client,
    ):
        gzip = {"Accept-Encoding": "gzip"}
        first = client.get("/carte/donnees.bin", headers=gzip)
        assert first.status_code == 200 and "x-cache-status" not in first.headers
        again = client.get(
            "/carte/donnees.bin", headers=gzip | {"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304 and "x-cache-status" not in again.headers
        page = client.get("/")  # the pages still go through the cache
        assert page.headers["x-cache-status"] in {"MISS", "HIT"}
