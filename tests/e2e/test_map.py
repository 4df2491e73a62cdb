"""The home page's map and list in a real browser (tiles blocked: pages must work without)."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.map_helpers import SAMPLES, load_map_samples, wait_for_map, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTAL = len(SAMPLES)


def count_text(page) -> str:
    return page.locator("#compte").inner_text()


def test_home_shows_markers_and_list_and_passes_axe(live_server, page, artifacts_dir):
    load_map_samples()
    errors = watch_console(page)
    page.goto(live_server.url + "/")
    assert page.title().startswith("Pépites")
    assert wait_for_map(page) > 0
    assert page.locator("#liste .initiative-card").count() == TOTAL
    assert count_text(page) == f"{TOTAL} initiatives"
    # The demonstration content says so, on every card that is one.
    assert page.locator("#liste .badge--demo").count() == 2
    # No DOM element per marker: one canvas draws them all.
    assert page.locator("#carte canvas").count() == 1
    assert page.locator("#carte .leaflet-marker-icon").count() == 0
    page.screenshot(path=str(artifacts_dir / "home-desktop.png"), full_page=True)
    assert axe_violations(page) == []
    assert errors == []


def test_filtering_by_theme_changes_counts_list_markers_and_address(live_server, page):
    load_map_samples()
    errors = watch_console(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.get_by_text("Thématiques, territoire, centre, QPV").click()
    page.get_by_label("Mobilité").check()
    page.wait_for_function(
        "() => document.querySelector('#compte').textContent === '2 initiatives'"
    )
    titles = page.locator("#liste .initiative-card__title").all_inner_texts()
    assert sorted(titles) == ["Auto-école associative de Cergy", "Garage solidaire de Meaux"]
    assert parse_qs(urlparse(page.url).query)["thematique"] == ["mobilite"]
    page.get_by_label("Numérique").check()
    page.wait_for_function(
        "() => document.querySelector('#compte').textContent === '3 initiatives'"
    )
    # A territory: the map follows, the count too.
    page.get_by_label("Région").select_option(label="Pays de la Loire")
    page.get_by_label("Mobilité").uncheck()
    page.get_by_label("Numérique").uncheck()
    page.wait_for_function("() => document.querySelector('#compte').textContent === '1 initiative'")
    assert page.locator("#liste .initiative-card__title").all_inner_texts() == [
        "Boutiques à l'essai de Nantes"
    ]
    assert errors == []


def test_search_by_words_finds_the_epicerie_solidaire(live_server, page):
    load_map_samples()
    errors = watch_console(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.get_by_label("Mots-clés").fill("epicerie")
    page.wait_for_function("() => document.querySelector('#compte').textContent === '1 initiative'")
    assert page.locator("#liste .initiative-card__title").all_inner_texts() == [
        "Épicerie solidaire du Franc-Moisin"
    ]
    assert "q=epicerie" in page.url
    assert errors == []


def test_a_copied_address_restores_the_same_view(live_server, page, browser):
    samples = load_map_samples()
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.get_by_text("Thématiques, territoire, centre, QPV").click()
    page.get_by_label("Économie sociale et solidaire").check()
    page.wait_for_function(
        "() => document.querySelector('#compte').textContent === '2 initiatives'"
    )
    # Select an initiative from the address, as a shared link would, then move the map.
    epicerie = samples["Épicerie solidaire du Franc-Moisin"]
    page.goto(page.url + f"&fiche={epicerie.pk}")
    wait_for_map(page)
    page.wait_for_selector(".leaflet-popup")
    before = page.evaluate("new URL(location.href).searchParams.get('carte')")
    page.locator("#carte").focus()
    page.keyboard.press("Minus")
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('carte') !== '{before}'")
    shared = page.url
    query = parse_qs(urlparse(shared).query)
    assert query["thematique"] == ["ess"]
    assert query["fiche"] == [str(epicerie.pk)]

    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlparse(route.request.url).hostname == "localhost"
            or urlparse(route.request.url).hostname == "127.0.0.1"
            else route.abort()
        ),
    )
    other = context.new_page()
    try:
        other.goto(shared)
        wait_for_map(other)
        other.wait_for_selector(".leaflet-popup")
        assert other.get_by_label("Économie sociale et solidaire").is_checked()
        assert other.locator("#compte").inner_text() == "2 initiatives"
        assert "Épicerie solidaire" in other.locator(".leaflet-popup").inner_text()
        assert other.locator(".initiative-card.is-selected").count() == 1
        view = other.evaluate("new URL(location.href).searchParams.get('carte')")
        assert view == query["carte"][0]
    finally:
        context.close()


def test_the_list_and_the_filters_work_with_the_keyboard_only(live_server, page):
    load_map_samples()
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    # Tab to the keywords, then to the filters' disclosure, open it and tick a theme.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.value")
    assert focused == "immobilier-entreprise"
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('#compte').textContent === '1 initiative'")
    # Onwards to the list: its first link opens the initiative.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#liste')"):
            break
    assert page.evaluate("document.activeElement.textContent") == "Hôtel d'entreprises de Bordeaux"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/initiatives/"))
    assert page.locator("h1").inner_text() == "Hôtel d'entreprises de Bordeaux"


def test_the_home_page_on_a_phone(live_server, phone_page, artifacts_dir):
    load_map_samples()
    errors = watch_console(phone_page)
    phone_page.goto(live_server.url + "/")
    assert wait_for_map(phone_page) > 0
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The list first, the map one tap away (tests/e2e/test_journeys.py), both as wide as
    # the screen.
    assert phone_page.locator("#liste").bounding_box()["width"] > 300
    phone_page.get_by_role("button", name="Carte", exact=True).click()
    assert phone_page.locator("#carte").bounding_box()["width"] > 300
    phone_page.screenshot(path=str(artifacts_dir / "home-phone.png"), full_page=True)
    assert errors == []


def test_without_javascript_the_filters_are_a_plain_form(live_server, browser):
    load_map_samples()
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.locator("#liste .initiative-card").count() == TOTAL
        page.get_by_text("Thématiques, territoire, centre, QPV").click()
        page.get_by_label("Mobilité").check()
        page.get_by_role("button", name="Afficher les initiatives").click()
        page.wait_for_url(re.compile(r"thematique=mobilite"))
        assert page.locator("#compte").inner_text() == "2 initiatives"
        assert page.locator("#liste .initiative-card").count() == 2
    finally:
        context.close()
