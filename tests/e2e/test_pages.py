"""An initiative's page, a theme's page and a centre's page in a real browser."""

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.map_helpers import load_map_samples, wait_for_map, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_initiative_page_from_the_list_and_axe(live_server, page, artifacts_dir):
    load_map_samples()
    errors = watch_console(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.get_by_role("link", name="Épicerie solidaire du Franc-Moisin").click()
    page.wait_for_url("**/initiatives/epicerie-solidaire-du-franc-moisin/")
    assert page.title() == "Épicerie solidaire du Franc-Moisin — Pépites"
    assert page.locator("h1").inner_text() == "Épicerie solidaire du Franc-Moisin"
    assert page.get_by_role("heading", name="Contexte et enjeu").is_visible()
    assert page.get_by_role("link", name="Profession Banlieue").is_visible()
    assert page.get_by_role("link", name="Proposer une correction").is_visible()
    og = page.locator('meta[property="og:title"]').get_attribute("content")
    assert og == "Épicerie solidaire du Franc-Moisin"
    page.wait_for_selector("[data-small-map] canvas")  # the small map, tiles or not
    page.screenshot(path=str(artifacts_dir / "initiative-page.png"), full_page=True)
    assert axe_violations(page) == []
    assert errors == []


def test_demo_initiative_page_says_it_is_an_example(live_server, page):
    load_map_samples()
    page.goto(live_server.url + "/initiatives/club-dentreprises-engage/")
    assert page.get_by_text("Exemple de démonstration").is_visible()


def test_centre_page_maps_its_initiatives_and_passes_axe(live_server, page, artifacts_dir):
    load_map_samples()
    errors = watch_console(page)
    page.goto(live_server.url + "/centres/profession-banlieue/")
    assert page.locator("h1").inner_text() == "Profession Banlieue"
    assert wait_for_map(page) > 0
    titles = page.locator("#liste .initiative-card__title").all_inner_texts()
    assert sorted(titles) == [
        "Fabrique numérique de Montreuil",
        "Épicerie solidaire du Franc-Moisin",
    ]
    assert page.locator("#compte").inner_text() == "2 initiatives"
    page.screenshot(path=str(artifacts_dir / "centre-page.png"), full_page=True)
    assert axe_violations(page) == []
    assert errors == []


def test_theme_page_maps_its_initiatives(live_server, page):
    load_map_samples()
    errors = watch_console(page)
    page.goto(live_server.url + "/thematiques/mobilite/")
    assert wait_for_map(page) > 0
    assert page.locator("#compte").inner_text() == "2 initiatives"
    assert axe_violations(page) == []
    assert errors == []
