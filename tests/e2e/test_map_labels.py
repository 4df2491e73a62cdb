"""In a browser: the map filters by programme and label in its Web Worker, from the data
file (format 3), the same answer as the server; the badges on the cards; axe."""

from urllib.parse import parse_qs, urlparse

import pytest

from pepites.initiatives.labels.models import InitiativeLabel, Label, LabelKind
from pepites.initiatives.labels.services import load_default_programmes, set_programmes
from tests.e2e.conftest import axe_violations
from tests.e2e.map_helpers import load_map_samples, wait_for_map, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_map_filters_by_programme_and_label(live_server, page):
    samples = load_map_samples()
    load_default_programmes()
    set_programmes(initiative=samples["Garage solidaire de Meaux"], slugs=["cites-de-l-emploi"])
    set_programmes(initiative=samples["Ressourcerie des Quartiers Nord"], slugs=["npnru"])
    visit = Label.objects.create(
        slug="visite-possible", name="Visite possible", kind=LabelKind.VISIT
    )
    InitiativeLabel.objects.create(
        initiative=samples["Ressourcerie des Quartiers Nord"], label=visit
    )
    errors = watch_console(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.get_by_text("Thématiques, territoire, centre, QPV").click()
    page.get_by_label("Cités de l'emploi").check()
    page.wait_for_function("() => document.querySelector('#compte').textContent === '1 initiative'")
    assert page.locator("#liste .initiative-card__title").all_inner_texts() == [
        "Garage solidaire de Meaux"
    ]
    assert parse_qs(urlparse(page.url).query)["programme"] == ["cites-de-l-emploi"]
    page.get_by_label("Visite possible").check()  # and a label: none has both
    page.wait_for_function(
        "() => document.querySelector('#compte').textContent.startsWith('Aucune initiative')"
    )
    page.get_by_label("Cités de l'emploi").uncheck()
    page.wait_for_function("() => document.querySelector('#compte').textContent === '1 initiative'")
    card = page.locator("#liste .initiative-card").first
    assert "Visite possible" in card.inner_text()
    assert axe_violations(page) == []
    # A shared link filters the same way at once.
    page.goto(live_server.url + "/?programme=npnru")
    wait_for_map(page)
    page.wait_for_function("() => document.querySelector('#compte').textContent === '1 initiative'")
    assert errors == []
