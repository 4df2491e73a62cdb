"""Anonymous public pages that a shared cache may keep: strong ETag from the data and code
versions, a 304 without rendering, Cache-Control for shared caches, no cookie, and private
pages for a visitor with a session."""

import base64
import hashlib
import re

import pytest

from pepites.initiatives.services import update_initiative
from tests.initiatives.helpers import new_initiative

pytestmark = pytest.mark.django_db


def public_paths(sample) -> list[str]:
    initiative = sample["epicerie"]
    return [
        "/",
        "/?thematique=mobilite",
        "/?q=epicerie",
        "/thematiques/",
        "/thematiques/commerce-proximite/",
        "/centres/",
        "/centres/profession-banlieue/",
        "/quartiers/",
        "/territoires/manques/",
        "/territoires/manques.csv",
        f"/initiatives/{initiative.slug}/",
        "/flux/initiatives.atom",
        "/flux/thematiques/commerce-proximite.atom",
        "/flux/centres/profession-banlieue.atom",
        "/flux/departements/93.atom",
        "/flux/regions/11.atom",
    ]


def test_every_anonymous_public_page_is_shareable(client, sample_initiatives, settings):
    settings.SHARED_CACHE_SECONDS, settings.SHARED_CACHE_STALE_SECONDS = 7, 30
    for path in public_paths(sample_initiatives):
        response = client.get(path)
        assert response.status_code == 200, path
        assert re.fullmatch(r'"[0-9a-f]{12}-\d+"', response["ETag"]), path
        assert response["Cache-Control"] == (
            "public, max-age=0, s-maxage=7, stale-while-revalidate=30"
        ), path
        # Cookie only (one language), plus Origin where CORS answers (the feeds).
        assert response["Vary"] in ("Cookie", "Cookie, origin"), path
        assert not response.cookies, (path, response.cookies)


def test_a_revalidation_renders_nothing(client, sample_initiatives, django_assert_max_num_queries):
    for path in public_paths(sample_initiatives):
        etag = client.get(path)["ETag"]
        with django_assert_max_num_queries(1):  # the data version, at most
            response = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304, path
        assert response.content == b""
        assert response["ETag"] == etag
        assert "s-maxage" in response["Cache-Control"]
        # The stored page keeps its own policy (a 304's headers replace the stored ones).
        assert "Content-Security-Policy" not in response


def test_the_etag_changes_when_an_initiative_changes_and_not_otherwise(client, sample_initiatives):
    first = client.get("/")["ETag"]
    assert client.get("/")["ETag"] == first
    client.get("/initiatives/" + sample_initiatives["garage"].slug + "/")
    assert client.get("/")["ETag"] == first  # reading changes nothing
    initiative = sample_initiatives["garage"]
    update_initiative(
        initiative=initiative, expected_version=initiative.version, title="Garage solidaire"
    )
    second = client.get("/")["ETag"]
    assert second != first
    assert client.get("/", HTTP_IF_NONE_MATCH=first).status_code == 200
    new_initiative(title="Une autre", status="publiee")
    assert client.get("/")["ETag"] not in (first, second)


def test_a_logged_in_member_gets_private_pages(client, sample_initiatives, people):
    client.force_login(people.member)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response
    assert "'nonce-" in response["Content-Security-Policy"]


def test_a_session_cookie_makes_the_page_private(client, sample_initiatives):
    etag = client.get("/")["ETag"]
    client.cookies["sessionid"] = "quelconque"
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_inline_elements_are_allowed_by_their_hash(client, sample_initiatives):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "nonce" not in policy and "unsafe" not in policy
    html = response.content.decode()
    inline = re.findall(r"<(script|style)((?: type=\"importmap\")?)>(.*?)</\1>", html, re.S)
    assert len(inline) == 3  # the import map, the map's early start, the colour rules
    for tag, _attributes, content in inline:
        digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
        kind = "script-src" if tag == "script" else "style-src"
        directive = next(p for p in policy.split(";") if p.strip().startswith(kind))
        assert f"'sha256-{digest}'" in directive
    assert "nonce=" not in html


def test_errors_are_not_shared(client, sample_initiatives):
    response = client.get("/initiatives/inconnue/")
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response


@pytest.mark.django_db(transaction=True)  # the fast path closes stale connections
def test_the_wsgi_fast_path_answers_a_revalidation_before_django(
    client, sample_initiatives, django_assert_max_num_queries
):
    from django.test import RequestFactory

    from pepites.web.caching import RevalidationFastPath

    etag = client.get("/thematiques/")["ETag"]
    answered = []

    def django(environ, start_response):  # what the fast path hands on
        answered.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"page"]

    app = RevalidationFastPath(django)

    def call(path, **headers):
        environ = RequestFactory().get(path, **headers).environ
        statuses = []
        body = app(environ, lambda status, headers: statuses.append((status, dict(headers))))
        return statuses[0], b"".join(body)

    with django_assert_max_num_queries(1):
        (status, headers), body = call("/thematiques/", HTTP_IF_NONE_MATCH=etag)
    assert status == "304 Not Modified" and body == b"" and headers["ETag"] == etag
    assert "s-maxage" in headers["Cache-Control"] and headers["Vary"] == "Cookie"
    assert answered == []
    call("/thematiques/", HTTP_IF_NONE_MATCH='"autre"')
    call("/thematiques/", HTTP_IF_NONE_MATCH=etag, HTTP_COOKIE="sessionid=abc")
    call("/espace/", HTTP_IF_NONE_MATCH=etag)
    assert answered == ["/thematiques/", "/thematiques/", "/espace/"]
