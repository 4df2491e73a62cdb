"""The national deployment, small: nginx (deploy/nginx/) in front of two Granian application
servers sharing the database (PostgreSQL when DATABASE_URL points to it, else the SQLite
file), the cache (Redis when REDIS_URL is set) and the media (a bucket of a local
S3-compatible server), with one explicit SECRET_KEY. Each server has its own var/ folder:
nothing is shared through a local disk.

A centre's member logs in on server A, edits an initiative and uploads an image there;
server B serves the page, the map data, the search and the image; the session opened on A
holds on B; failed logins are counted across both servers."""

from __future__ import annotations

import html
import re
import uuid
from contextlib import ExitStack
from urllib.parse import quote

import httpx
import pytest
from django.contrib.auth.models import User
from django.db import connection

from bench.common import free_port
from config import server
from pepites.initiatives import mapdata
from pepites.network.memberships import add_member
from pepites.network.models import Centre
from pepites.web.initiatives.idlists import delta_decode
from tests.api.live_server import environment
from tests.conftest import PASSWORD
from tests.deploy.nginx import NGINX, running_nginx
from tests.deploy.test_backups import jpeg
from tests.initiatives.helpers import new_initiative
from tests.web.test_workspace import form_post

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx absent (apt-get install nginx)"),
    pytest.mark.django_db(transaction=True),
]


def database_url() -> str:
    """The test database, as the servers must reach it."""
    params = connection.settings_dict
    if connection.vendor != "postgresql":
        return f"sqlite:///{params['NAME']}"
    credentials = quote(params["USER"] or "")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"])
    return (
        f"postgres://{credentials}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/"
        f"{params['NAME']}"
    )


def server_environment(folder, port, *, bucket, s3_server, shared) -> dict[str, str]:
    env = environment(folder, port)
    env.update(shared)
    env.update(s3_server.environment(bucket))
    env.update(PEPITES_VAR_DIR=str(folder), WEB_CONCURRENCY="1", PEPITES_THREADS="4")
    return env


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def log_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    token = csrf_token(client.get("/compte/connexion/").text)
    return client.post(
        "/compte/connexion/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token},
    )


@pytest.fixture
def accounts(reference_data):
    """A member of Profession Banlieue, and a second account for the lockout. Hashed with
    Django's default hasher: the servers do not know the tests' fast one."""
    member = User.objects.create_user("salariee.pb", "salariee.pb@example.org", PASSWORD)
    add_member(user=member, centre=Centre.objects.get(slug="profession-banlieue"))
    other = User.objects.create_user("autre", "autre@example.org", PASSWORD)
    return member, other


def test_two_app_servers_behind_nginx_share_everything(tmp_path, accounts, s3_server, settings):
    member, other = accounts
    initiative = new_initiative(title="Une recyclerie de quartier")  # a draft
    bucket = s3_server.new_bucket()
    shared = {
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "cle-de-test-partagee-" + uuid.uuid4().hex,
        "CACHE_KEY_PREFIX": f"deploy-test-{uuid.uuid4().hex[:8]}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CLIENT_IP_HEADER": "X-Forwarded-For",
        "SERVE_MEDIA": "false",
        "LOGIN_FAILURE_LIMIT": "3",
        "MAPDATA_VERSION_SECONDS": "1",
    }
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        shared["REDIS_URL"] = settings.CACHES["default"]["LOCATION"]
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        urls = [
            stack.enter_context(
                server.running(
                    server_environment(
                        tmp_path / name, port, bucket=bucket, s3_server=s3_server, shared=shared
                    ),
                    tmp_path / f"server-{name}.log",
                )
            )
            for name, port in zip("ab", ports, strict=True)
        ]
        proxy = stack.enter_context(
            running_nginx(
                tmp_path / "nginx", free_port(), [u.removeprefix("http://") for u in urls]
            )
        )
        a = stack.enter_context(httpx.Client(base_url=urls[0], timeout=30))
        b = stack.enter_context(httpx.Client(base_url=urls[1], timeout=30))
        through_nginx = stack.enter_context(httpx.Client(base_url=proxy, timeout=30))

        # Logged in on A; the same session cookie opens the workspace on B.
        answer = log_in(a, member.email, PASSWORD)
        assert answer.status_code == 302 and answer.headers["location"] == "/espace/"
        b.cookies.set("sessionid", a.cookies["sessionid"])
        workspace = b.get("/espace/")
        assert workspace.status_code == 200 and "Une recyclerie de quartier" in workspace.text

        # Edited on A, with an image: published, placed, renamed.
        edit_url = f"/espace/initiatives/{initiative.pk}/"
        data = form_post(
            initiative,
            title="Une recyclerie solidaire à Saint-Denis",
            status="publiee",
            latitude="48.9362",
            longitude="2.3574",
            image_alt="Le comptoir de la recyclerie",
        )
        data["csrfmiddlewaretoken"] = csrf_token(a.get(edit_url).text)
        saved = a.post(
            edit_url,
            data=data,
            files={"image": ("comptoir.jpg", jpeg((30, 90, 160)).read(), "image/jpeg")},
        )
        assert saved.status_code == 302, saved.text[:2000]
        initiative.refresh_from_db()
        image = initiative.images.get()
        stored = s3_server.read(bucket, image.large.name)
        assert not list((tmp_path / "a").rglob("*.jpg"))  # in the bucket, not on A's disk

        # Read on B: the page, its image, the map data, the search.
        page = b.get(f"/initiatives/{initiative.slug}/")
        assert page.status_code == 200 and "Une recyclerie solidaire à Saint-Denis" in page.text
        image_url = html.unescape(re.search(r'<img src="([^"]+)"', page.text).group(1))
        assert image.large.name in image_url
        assert httpx.get(image_url, timeout=10).content == stored
        assert initiative.pk in map_ids(b)
        found = b.get("/carte/recherche", params={"q": "recyclerie solidaire"}).json()
        assert delta_decode(found["ids_delta"]) == [initiative.pk]

        # Through nginx: both servers answer in turn, each answer complete.
        seen = set()
        for _ in range(2):
            for path in ("/", f"/initiatives/{initiative.slug}/", "/carte/donnees.bin"):
                answer = through_nginx.get(path)
                assert answer.status_code == 200
                seen.add(answer.headers["x-upstream"])
            assert initiative.pk in map_ids(through_nginx)
        assert seen == {u.removeprefix("http://") for u in urls}

        # Wrong passwords on A, B, A: the third failure locks the account on both servers.
        for client in (a, b, a):
            client.cookies.clear()
            refused = log_in(client, other.email, "pas-le-bon")
            assert refused.status_code == 200 and "incorrect" in refused.text
        b.cookies.clear()
        locked = log_in(b, other.email, PASSWORD)
        assert locked.status_code == 200 and "Trop de tentatives de connexion" in locked.text


def map_ids(client: httpx.Client) -> list[int]:
    answer = client.get("/carte/donnees.bin", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    return mapdata.decode(answer.content)["columns"]["id"]
