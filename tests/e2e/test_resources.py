"""The resource library in a browser, keyboard only: a word printed on page 37 of a PDF
finds the resource and says on which page; axe on every page of the library."""

import pytest

from pepites.core.jobs.worker import run_pending
from tests.e2e.conftest import axe_violations
from tests.e2e.test_publications import sign_in
from tests.resources.helpers import make_resource

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never reached with Tab")


def test_find_a_resource_by_a_word_inside_its_pdf(live_server, page, people, artifacts_dir):
    resource = make_resource(title="Étude sur les commerces des quartiers")
    make_resource(title="Un guide sans rapport", data=None, external_url="https://example.org/g")
    run_pending()

    page.goto(live_server.url + "/ressources/")
    assert axe_violations(page) == []
    tab_to(page, "#recherche-ressources")
    page.keyboard.type("fromageries")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/**")
    results = page.locator("#groupe-resource + ol")
    assert "Étude sur les commerces des quartiers" in results.inner_text()
    assert "Trouvé page 37" in results.inner_text()
    assert "Un guide sans rapport" not in results.inner_text()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "resources-search.png"), full_page=True)

    tab_to(page, f"a[href^='{resource.get_absolute_url()}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{resource.get_absolute_url()}**")
    assert "se trouve page 37 du document" in page.locator("#pages-trouvees").inner_text()
    assert page.locator("img[alt='Aperçu de la première page du document']").count() == 1
    assert axe_violations(page) == []

    # The one search box without a kind: the groups, each with its heading.
    page.goto(live_server.url + "/recherche/?q=fromagerie")
    assert page.locator("#groupe-initiative").count() == 1
    assert axe_violations(page) == []


def test_workspace_pages_keyboard_and_axe(live_server, page, people):
    resource = make_resource(data=None, external_url="https://example.org/r")
    sign_in(page, live_server, people.member)
    page.goto(live_server.url + "/espace/ressources/")
    assert axe_violations(page) == []
    tab_to(page, "a[href='/espace/ressources/nouvelle/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/espace/ressources/nouvelle/")
    assert axe_violations(page) == []
    tab_to(page, "#id_title")
    page.keyboard.type("Synthèse de la rencontre")
    page.goto(live_server.url + f"/espace/ressources/{resource.pk}/")
    assert axe_violations(page) == []
    page.goto(live_server.url + f"/espace/ressources/{resource.pk}/historique/")
    assert axe_violations(page) == []
