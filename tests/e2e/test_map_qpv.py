"""The map's QPV filters in a real browser, and the /quartiers/ index's accessibility."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import load_sample_reference_data
from tests.e2e.conftest import axe_violations
from tests.e2e.map_helpers import wait_for_map, watch_console
from tests.territories.qpv_fixtures import import_sample_qpvs, place_initiatives_around_qpvs

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def wait_for_count(page, text: str) -> None:
    page.wait_for_function(
        "text => document.querySelector('#compte').textContent === text", arg=text
    )


def query(page) -> dict:
    return parse_qs(urlparse(page.url).query)


def test_relation_and_qpv_filter_the_map_and_travel_in_the_address(
    live_server, page, browser, tmp_path, artifacts_dir
):
    load_sample_reference_data()
    import_sample_qpvs(tmp_path)
    place_initiatives_around_qpvs()
    errors = watch_console(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    wait_for_count(page, "5 initiatives")
    page.get_by_text("Thématiques, territoire, centre, QPV").click()

    # The relation alone: the worker filters its data file.
    page.get_by_label("Situation par rapport aux QPV").select_option(
        label="Pour les habitants d'un QPV"
    )
    wait_for_count(page, "1 initiative")
    assert page.locator("#liste .initiative-card__title").all_inner_texts() == ["Plateforme emploi"]
    page.wait_for_function("() => new URL(location.href).searchParams.get('relation') === 'pour'")

    # A QPV typed with the keyboard: the server answers its initiatives, the relation
    # then applies to that QPV.
    page.get_by_label("Situation par rapport aux QPV").select_option(value="")
    wait_for_count(page, "5 initiatives")
    field = page.get_by_label("Quartier prioritaire (QPV)")
    field.focus()
    page.keyboard.type("pui")
    # Suggestions as one types (the datalist of the whole list, from the server).
    page.wait_for_function(
        "() => document.querySelectorAll('#quartiers-suggestions option').length === 1"
    )
    assert page.locator("#quartiers-suggestions option").get_attribute("value") == (
        "Quartier du Puits — Saint-Denis (QN09301M)"
    )
    field.fill("QN09301M")
    page.keyboard.press("Enter")
    wait_for_count(page, "4 initiatives")
    # Enter sends the search: the results come first and the filters fold (issue 19)…
    page.wait_for_function("() => document.activeElement.id === 'compte'")
    assert page.locator("details.filters__more").evaluate("el => el.open") is False
    page.get_by_text("Thématiques, territoire, centre, QPV").click()
    assert page.locator("[data-quartier-message]").inner_text() == (
        "Quartier : Quartier du Puits — Saint-Denis (QN09301M)"
    )
    page.get_by_label("Situation par rapport aux QPV").select_option(value="proximite")
    wait_for_count(page, "2 initiatives")
    titles = sorted(page.locator("#liste .initiative-card__title").all_inner_texts())
    # One of them lies in the neighbouring QPV: near this one all the same.
    assert titles == ["Couveuse d'activités", "Fabrique entre deux quartiers"]
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('relation') === 'proximite'"
    )
    shared = page.url
    assert query(page)["quartier"] == ["QN09301M"]
    page.screenshot(path=str(artifacts_dir / "home-qpv-filters.png"), full_page=True)

    # The shared address restores both filters, the count and the list.
    other = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    other.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlparse(route.request.url).hostname in ("localhost", "127.0.0.1")
            else route.abort()
        ),
    )
    restored = other.new_page()
    try:
        restored.goto(shared)
        wait_for_map(restored)
        wait_for_count(restored, "2 initiatives")
        assert restored.get_by_label("Quartier prioritaire (QPV)").input_value() == "QN09301M"
        assert restored.get_by_label("Situation par rapport aux QPV").input_value() == "proximite"
        assert (
            restored.locator("[data-quartier-message]")
            .inner_text()
            .startswith("Quartier : Quartier du Puits")
        )
    finally:
        other.close()

    # An unknown QPV is said and ignored, as by the server.
    field.fill("Zorglub")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-quartier-message]').textContent.includes('Zorglub')"
    )
    wait_for_count(page, "1 initiative")  # "proximite" alone still applies
    assert errors == []


def test_the_qpv_index_passes_axe(live_server, page, artifacts_dir, tmp_path):
    load_sample_reference_data()
    import_sample_qpvs(tmp_path)
    place_initiatives_around_qpvs()
    errors = watch_console(page)
    page.goto(live_server.url + "/quartiers/")
    assert page.get_by_role("heading", level=1).inner_text() == "Les quartiers prioritaires"
    assert page.locator("table.data-table tbody tr").count() == 5
    page.get_by_label("Département").select_option(value="93")
    page.get_by_label("Nom, commune ou code").fill("montreuil")
    page.keyboard.press("Enter")
    page.wait_for_url("**/quartiers/?*departement=93*")
    assert page.locator("table.data-table tbody tr").count() == 2
    page.screenshot(path=str(artifacts_dir / "qpv-index.png"), full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Quartier des Deux Rives").click()
    page.wait_for_url("**/quartiers/QN09302M/")
    assert errors == []
