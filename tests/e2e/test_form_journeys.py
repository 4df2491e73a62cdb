"""Focus and keys in the forms (issue 19, accessibility beyond axe): the error summary
gets the focus after a form error, Enter in a one-line field of a long form does not send
it, and choosing a place among several leads to the results."""

import pytest

from pepites.initiatives.models import Proposal
from tests.conftest import load_sample_reference_data
from tests.e2e.map_helpers import load_map_samples, wait_for_map, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def active(page) -> dict:
    return page.evaluate(
        "({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: document.activeElement.textContent.trim().slice(0, 60)})"
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_enter_does_not_send_the_proposal_and_errors_get_the_focus(
    live_server, page, phone_page, device, artifacts_dir
):
    load_sample_reference_data()
    tab = page if device == "desktop" else phone_page
    errors = watch_console(tab)
    tab.goto(live_server.url + "/proposer/")
    title = tab.get_by_label("Nom de l'initiative")
    title.fill("Le jardin partagé")
    title.press("Enter")
    tab.get_by_label("Qui la porte ?").press("Enter")
    tab.wait_for_timeout(500)
    assert tab.url == live_server.url + "/proposer/"  # nothing sent
    assert tab.locator("#erreurs").count() == 0
    assert title.input_value() == "Le jardin partagé"

    # Sent with fields missing: the summary of errors is focused and read first.
    with tab.expect_navigation():
        tab.get_by_role("button", name="Envoyer la proposition").click()
    assert tab.locator("#erreurs").is_visible()
    assert active(tab)["id"] == "erreurs"
    tab.screenshot(path=str(artifacts_dir / f"journey-{device}-proposal-errors.png"))
    # Each error of the summary leads to its field.
    tab.locator("#erreurs a").first.click()
    assert active(tab)["tag"] in ("INPUT", "TEXTAREA", "SELECT")
    assert not Proposal.objects.exists()
    # The form in error is answered with 400, which the browser logs.
    assert [e for e in errors if "status of 400" not in e] == []


def test_choosing_a_place_among_several_leads_to_the_results(live_server, page):
    load_map_samples()
    errors = watch_console(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.get_by_label("Autour d'un lieu").fill("Saint-Denis")
    page.get_by_label("Autour d'un lieu").press("Enter")
    choices = page.locator("[data-place-choices] button")
    choices.first.wait_for()
    assert choices.count() >= 2
    assert active(page)["tag"] == "BUTTON"  # the first choice
    choices.first.click()
    page.wait_for_function("() => document.activeElement.id === 'compte'")
    assert "Liste ordonnée autour de" in page.locator("[data-around]").inner_text()
    assert errors == []
