"""Places in a real browser: homonyms asked for with their département, distances on the
cards and a radius that narrows the list; a département typed by its number."""

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.map_helpers import SAMPLES, load_map_samples, wait_for_map, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def count(page) -> int:
    text = page.locator("#compte").inner_text()
    return int(text.split()[0]) if text[0].isdigit() else 0


def test_homonyms_distances_and_radius(live_server, page, artifacts_dir):
    load_map_samples()
    errors = watch_console(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    assert count(page) == len(SAMPLES)

    page.get_by_label("Autour d'un lieu").fill("Saint-Denis")
    page.get_by_label("Autour d'un lieu").press("Enter")
    choices = page.locator("[data-place-choices] button")
    choices.first.wait_for()
    labels = choices.all_inner_texts()
    assert "Saint-Denis (Seine-Saint-Denis, 93)" in labels
    assert "Saint-Denis (La Réunion, 974)" in labels
    page.get_by_role("button", name="Saint-Denis (Seine-Saint-Denis, 93)").click()
    first = page.locator("#liste .initiative-card").first
    page.wait_for_function(
        "() => document.querySelector('#liste .initiative-card__distance') !== null"
    )
    assert "Franc-Moisin" in first.inner_text() or "Montreuil" in first.inner_text()
    distances = page.locator("#liste .initiative-card__distance").all_inner_texts()
    assert distances[0].startswith("à ") and distances[0].endswith(" km")

    page.get_by_label("Dans un rayon de").select_option("20")
    page.wait_for_function(
        f"() => !document.querySelector('#compte').textContent.startsWith('{len(SAMPLES)} ')"
    )
    within = count(page)
    assert 1 <= within < len(SAMPLES)
    assert page.locator("#liste .initiative-card").count() == within
    assert "rayon=20" in page.url
    page.screenshot(path=str(artifacts_dir / "places-radius.png"), full_page=True)
    assert axe_violations(page) == []

    # A département by its number: understood, no geocoder needed.
    page.get_by_label("Dans un rayon de").select_option("")
    page.get_by_label("Autour d'un lieu").fill("93")
    page.get_by_label("Autour d'un lieu").press("Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-around]').textContent.includes('93')"
    )
    assert errors == []


def test_the_commune_filter_asks_which_saint_denis(live_server, page):
    load_map_samples()
    errors = watch_console(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.get_by_text("Thématiques, territoire, centre, QPV").click()
    page.get_by_label("Commune").fill("Saint-Denis")
    page.get_by_label("Commune").press("Tab")  # "change"
    choices = page.locator("[data-commune-choices] button")
    choices.first.wait_for()
    labels = choices.all_inner_texts()
    assert "Saint-Denis (Seine-Saint-Denis, 93)" in labels
    assert "Saint-Denis (La Réunion, 974)" in labels
    assert "précisez laquelle" in page.locator("[data-commune-message]").inner_text()
    assert count(page) == len(SAMPLES)  # no filter until the visitor has chosen

    page.get_by_role("button", name="Saint-Denis (Seine-Saint-Denis, 93)").click()
    page.wait_for_function("() => document.querySelector('#compte').textContent.startsWith('1 ')")
    assert "Franc-Moisin" in page.locator("#liste").inner_text()
    assert page.locator("[data-commune-choices] button").count() == 0
    assert "commune=Saint-Denis" in page.url
    assert axe_violations(page) == []
    assert errors == []
