"""The security headers of every answer: CSP with a fresh nonce, framing refused except for
the embed, geolocation only where "Autour de moi" is offered, COOP."""

import re

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_a_page_gets_a_strict_policy_with_a_fresh_nonce(client, sample_initiatives):
    # A visitor with a session: pages shared caches keep use hashes (test_shared_cache.py).
    client.cookies["sessionid"] = "visiteur"
    first, second = client.get("/thematiques/"), client.get("/thematiques/")
    policy = directives(first)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert nonce not in second["Content-Security-Policy"]
    assert policy["script-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["style-src"] == f"'self' 'nonce-{nonce}'"
    assert "unsafe" not in first["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["img-src"] == "'self' data: https://data.geopf.fr"
    assert policy["connect-src"] == "'self'"  # the geocoder is called by the server only
    html = first.content.decode()
    assert f'<style nonce="{nonce}">' in html
    assert " style=" not in html and " onclick=" not in html
    assert first["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_tiles_origin_follows_the_setting(client, settings, reference_data):
    settings.MAP_TILES = "osmfr"
    assert directives(client.get("/"))["img-src"] == "'self' data: https://*.tile.openstreetmap.fr"


@pytest.mark.parametrize(
    ("path", "geolocation", "framable"),
    [
        ("/", True, False),
        ("/embed/", True, True),
        ("/centres/", False, False),
        ("/compte/connexion/", False, False),
        ("/api/v1/themes", False, False),
    ],
)
def test_geolocation_and_framing_only_where_needed(
    client, reference_data, path, geolocation, framable
):
    response = client.get(path)
    assert response.status_code == 200
    permissions = response["Permissions-Policy"]
    assert ("geolocation=(self)" if geolocation else "geolocation=()") in permissions
    assert "camera=()" in permissions and "microphone=()" in permissions
    assert directives(response)["frame-ancestors"] == ("*" if framable else "'none'")
    assert ("X-Frame-Options" in response) is not framable


def test_map_scripts_carry_the_nonce(client, sample_initiatives):
    client.cookies["sessionid"] = "visiteur"
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in html
    assert f'<script nonce="{nonce}">' in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag or "json" in tag, tag


def test_the_colour_rules_are_css(client, sample_initiatives):
    from django.core.cache import cache

    from pepites.web.templatetags import pepites_csp

    cache.delete(pepites_csp.COLOUR_RULES_KEY)
    html = client.get("/thematiques/").content.decode()
    assert '[data-colour="#' in html and "&quot;" not in html.split("</style>")[0]
