"""Absolute addresses on a server that is not on port 8000 (issue 19): with SITE_URL unset,
every link meant to leave the page names the server that made it — share links, "Adresse de
cette page", the embed snippet, the map's copied link (the PDF's QR codes:
tests/e2e/test_publications.py)."""

from urllib.parse import unquote

import pytest

from tests.e2e.map_helpers import load_map_samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_links_name_the_server_that_made_them(live_server, page, settings):
    settings.SITE_URL = ""
    samples = load_map_samples()
    base = live_server.url
    assert not base.endswith(":8000")
    initiative = samples["Garage solidaire de Meaux"]
    page.goto(f"{base}/initiatives/{initiative.slug}/")
    own = f"{base}/initiatives/{initiative.slug}/"
    assert page.get_attribute("link[rel=canonical]", "href") == own
    assert page.get_attribute("meta[property='og:url']", "content") == own
    address = page.locator(".share p.muted a")
    assert address.get_attribute("href") == own and address.inner_text() == own
    for name in ("Par courriel", "LinkedIn", "Facebook", "Mastodon"):
        href = page.locator(".share").get_by_role("link", name=name).get_attribute("href")
        assert own in unquote(href), name
    assert "127.0.0.1:8000" not in page.content()

    page.goto(f"{base}/centres/profession-banlieue/")
    snippet = page.locator("#code-integration").input_value()
    assert f'src="{base}/embed/?centre=profession-banlieue' in snippet


def test_a_production_address_wins_over_the_request(live_server, page, settings):
    settings.SITE_URL = "https://pepites.example"
    samples = load_map_samples()
    initiative = samples["Garage solidaire de Meaux"]
    page.goto(f"{live_server.url}/initiatives/{initiative.slug}/")
    assert page.get_attribute("link[rel=canonical]", "href") == (
        f"https://pepites.example/initiatives/{initiative.slug}/"
    )
