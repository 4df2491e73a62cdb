"""The visitor's journey on the map pages (issue 19), on a desktop (1366×768) and a phone
(390×844): results first, busy and empty states, the tiles notice. Screenshots of each
key screen are kept in test-artifacts/ to be looked at."""

import re
import time

import pytest

from tests.e2e.conftest import _new_page, axe_violations
from tests.e2e.map_helpers import SAMPLES, load_map_samples, wait_for_map, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTAL = len(SAMPLES)
TILES = re.compile(r"data\.geopf\.fr|tile\.openstreetmap\.fr")


@pytest.fixture
def desktop(browser, console_errors):
    context, page = _new_page(browser, console_errors, viewport={"width": 1366, "height": 768})
    yield page
    context.close()


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.height > 0 && box.top >= -1 && box.bottom <= window.innerHeight + 1;
        }""",
        selector,
    )


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_after_a_search_the_count_is_focused_and_in_view_on_a_desktop(
    live_server, desktop, artifacts_dir
):
    load_map_samples()
    errors = watch_console(desktop)
    desktop.goto(live_server.url + "/")
    wait_for_map(desktop)
    desktop.get_by_text("Thématiques, territoire, centre, QPV").click()
    desktop.get_by_label("Mobilité").check()
    desktop.wait_for_function(
        "() => document.querySelector('#compte').textContent === '2 initiatives'"
    )
    # Changing a filter keeps the focus where it is (the count is announced).
    assert desktop.evaluate("document.activeElement.value") == "mobilite"
    desktop.screenshot(path=str(artifacts_dir / "journey-desktop-filters-open.png"))
    desktop.get_by_role("button", name="Afficher les initiatives").click()
    desktop.wait_for_function("() => document.activeElement.id === 'compte'")
    assert in_viewport(desktop, "#compte")
    assert desktop.locator("details.filters__more").evaluate("el => el.open") is False
    assert desktop.get_attribute("#compte", "aria-live") == "polite"
    desktop.screenshot(path=str(artifacts_dir / "journey-desktop-results.png"))
    assert errors == []


def test_on_a_phone_the_first_screen_shows_the_search_and_the_results(
    live_server, phone_page, artifacts_dir
):
    load_map_samples()
    errors = watch_console(phone_page)
    phone_page.goto(live_server.url + "/")
    wait_for_map(phone_page)
    phone_page.screenshot(path=str(artifacts_dir / "journey-phone-first-screen.png"))
    assert in_viewport(phone_page, "#id_q")
    assert in_viewport(phone_page, "#compte")
    first_card = phone_page.locator("#liste .initiative-card").first.bounding_box()
    assert first_card["y"] < 844  # the first result starts on the first screen
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The list or the map, one at a time.
    toggle_map = phone_page.get_by_role("button", name="Carte", exact=True)
    assert (
        phone_page.get_by_role("button", name="Liste", exact=True).get_attribute("aria-pressed")
        == "true"
    )
    assert not phone_page.locator("#carte").is_visible()
    toggle_map.click()
    assert toggle_map.get_attribute("aria-pressed") == "true"
    assert phone_page.locator("#carte").is_visible()
    assert not phone_page.locator("#liste").is_visible()
    box = phone_page.locator("#carte").bounding_box()
    assert box["width"] > 300 and box["height"] > 250
    phone_page.screenshot(path=str(artifacts_dir / "journey-phone-map.png"))
    assert axe_violations(phone_page) == []

    # Filters open, a sticky button leads to the results.
    phone_page.get_by_text("Thématiques, territoire, centre, QPV").click()
    phone_page.get_by_label("Mobilité").check()
    jump = phone_page.locator("[data-results-jump]")
    phone_page.wait_for_function(
        "() => document.querySelector('[data-results-jump]').textContent === 'Voir les 2 résultats'"
    )
    phone_page.get_by_label("Commune").scroll_into_view_if_needed()
    assert jump.is_visible() and in_viewport(phone_page, "[data-results-jump]")
    phone_page.screenshot(path=str(artifacts_dir / "journey-phone-filters.png"))
    jump.click()
    phone_page.wait_for_function("() => document.activeElement.id === 'compte'")
    assert phone_page.locator("#liste").is_visible()  # back to the list
    assert in_viewport(phone_page, "#compte")
    phone_page.screenshot(path=str(artifacts_dir / "journey-phone-results.png"))
    assert errors == []


def test_a_slow_search_shows_a_busy_state(live_server, desktop):
    load_map_samples()
    errors = watch_console(desktop)

    def slow(route):
        time.sleep(1.5)
        route.continue_()

    desktop.route(re.compile(r"/carte/recherche"), slow)
    desktop.goto(live_server.url + "/")
    wait_for_map(desktop)
    desktop.get_by_label("Mots-clés").fill("epicerie")
    desktop.wait_for_selector("[data-results][aria-busy='true']")
    assert desktop.locator("[data-busy]").is_visible()
    assert desktop.get_attribute("[data-map]", "aria-busy") == "true"
    desktop.wait_for_function(
        "() => document.querySelector('#compte').textContent === '1 initiative'"
    )
    assert desktop.get_attribute("[data-results]", "aria-busy") is None
    assert not desktop.locator("[data-busy]").is_visible()
    assert errors == []


def test_a_search_without_result_says_what_to_try(live_server, desktop, artifacts_dir):
    load_map_samples()
    errors = watch_console(desktop)
    desktop.goto(live_server.url + "/")
    wait_for_map(desktop)
    assert not desktop.locator("[data-empty]").is_visible()
    desktop.get_by_label("Mots-clés").fill("zzqxwv")
    desktop.get_by_label("Mots-clés").press("Enter")
    desktop.wait_for_function("() => document.activeElement.id === 'compte'")
    assert (
        desktop.locator("#compte").inner_text() == "Aucune initiative ne correspond à ces critères."
    )
    empty = desktop.locator("[data-empty]")
    assert empty.is_visible()
    assert empty.get_by_role(
        "link", name="proposer une initiative que vous connaissez"
    ).is_visible()
    assert not desktop.locator("[data-widen-place]").is_visible()  # no place to widen
    assert not desktop.locator("[data-open-data]").is_visible()  # no download of nothing
    desktop.screenshot(path=str(artifacts_dir / "journey-desktop-empty.png"))
    empty.get_by_role("link", name="effacer tous les filtres").click()
    desktop.wait_for_function(
        f"() => document.querySelector('#compte').textContent === '{TOTAL} initiatives'"
    )
    assert desktop.get_by_label("Mots-clés").input_value() == ""
    assert desktop.locator("[data-open-data]").is_visible()
    assert not empty.is_visible()
    assert errors == []


def test_an_empty_result_in_a_place_offers_to_widen_it_without_javascript(live_server, browser):
    load_map_samples()
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/?thematique=mobilite&region=52")
        assert (
            page.locator("#compte").inner_text()
            == "Aucune initiative ne correspond à ces critères."
        )
        assert page.locator(".open-data-links").count() == 1
        assert not page.locator(".open-data-links").is_visible()
        page.get_by_role("link", name=re.compile("chercher partout en France")).click()
        page.wait_for_url(re.compile(r"\?thematique=mobilite$"))
        assert page.locator("#compte").inner_text() == "2 initiatives"
    finally:
        context.close()


def test_the_tiles_notice_stays_until_tiles_load(live_server, desktop):
    load_map_samples()
    desktop.goto(live_server.url + "/")  # tiles are refused by the tests' browser
    wait_for_map(desktop)
    notice = desktop.locator("[data-tiles-status]")
    notice.wait_for(state="visible")
    assert "Le fond de carte ne s'affiche pas" in notice.inner_text()
    desktop.wait_for_timeout(1000)  # the map's own messages do not erase it
    assert notice.is_visible()


def test_the_tiles_notice_appears_when_tiles_hang(live_server, desktop):
    load_map_samples()
    desktop.route(TILES, lambda route: None)  # never answered
    desktop.goto(live_server.url + "/", wait_until="domcontentloaded")
    wait_for_map(desktop)
    notice = desktop.locator("[data-tiles-status]")
    assert not notice.is_visible()
    notice.wait_for(state="visible", timeout=9000)
    assert "Le fond de carte ne s'affiche pas" in notice.inner_text()
