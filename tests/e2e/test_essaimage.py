"""The whole essaimage loop in a browser: a visitor in Lorient asks to be inspired by an
initiative of Saint-Denis → both centres receive it → a member of the covering centre moves
it through the states with notes, marks it reproduite and links the new initiative → both
pages and the map show the link → the dashboard counts it. Axe on every new page."""

import pytest
from django.contrib.auth.models import User
from django.core import mail

from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.essaimage.models import InspirationRequest, RequestStatus
from pepites.network.memberships import add_member
from pepites.network.models import Centre
from tests.conftest import PASSWORD, load_sample_reference_data
from tests.e2e.conftest import axe_violations
from tests.e2e.map_helpers import wait_for_map, watch_console
from tests.e2e.test_contribution import log_in
from tests.essaimage.helpers import initiative

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(settings, fast_passwords):
    load_sample_reference_data()
    settings.PROPOSAL_MIN_FILL_SECONDS = 1
    pb = User.objects.create_user("membre.pb", "membre.pb@example.org", PASSWORD)
    add_member(user=pb, centre=Centre.objects.get(slug="profession-banlieue"))
    reso = User.objects.create_user("membre.reso", "membre.reso@example.org", PASSWORD)
    add_member(user=reso, centre=Centre.objects.get(slug="reso-villes"))
    return pb, reso


def test_from_inspiration_to_reproduction(live_server, page, browser, network, artifacts_dir):
    errors = watch_console(page)
    base = live_server.url
    source = initiative()
    copy = initiative(
        title="Épicerie solidaire de Kervénanec",
        commune="56121",
        latitude=47.76,
        longitude=-3.38,
    )

    # A visitor in Lorient asks to be inspired by the épicerie of Saint-Denis.
    page.goto(base + f"/initiatives/{source.slug}/")
    page.get_by_role("link", name="M'en inspirer").click()
    assert axe_violations(page) == []
    page.get_by_label("Votre nom").fill("Gaëlle Le Goff")
    page.get_by_label("Votre adresse électronique").fill("gaelle@lorient.example")
    page.get_by_label("Vous êtes").select_option("association")
    page.get_by_label("Où voulez-vous la reproduire ? (commune)").fill("Lorient (56121)")
    page.get_by_label("Votre projet en quelques lignes").fill(
        "Une épicerie solidaire à Kervénanec."
    )
    page.get_by_label("Être mis en relation avec le porteur").check()
    page.get_by_label("J'accepte que mes coordonnées").check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(base + "/m-en-inspirer/merci/")
    text = page.locator("main").inner_text()
    assert "Profession Banlieue" in text and "RésO Villes" in text
    assert axe_violations(page) == []

    # Both centres receive it.
    run_jobs()
    to = {address for message in mail.outbox for address in message.to}
    assert {"membre.pb@example.org", "membre.reso@example.org", "gaelle@lorient.example"} <= to
    request = InspirationRequest.objects.get()

    # A member of the covering centre follows it up to the reproduction.
    context, member = log_in(browser, base, "membre.reso@example.org")
    member.goto(base + "/espace/essaimage/")
    assert axe_violations(member) == []
    member.get_by_role("link", name="Gaëlle Le Goff").click()
    assert axe_violations(member) == []
    member.get_by_label("Nouvel état").select_option(RequestStatus.IN_CONTACT)
    member.get_by_role("button", name="Enregistrer l'état").click()
    member.get_by_label("Ajouter une note").fill("Appel avec Gaëlle : visite prévue en mars.")
    member.get_by_role("button", name="Ajouter la note").click()
    member.get_by_label("Nouvel état").select_option(RequestStatus.SUPPORTED)
    member.get_by_role("button", name="Enregistrer l'état").click()
    member.get_by_label("L'initiative née de cette demande").fill(
        base + f"/initiatives/{copy.slug}/"
    )
    member.get_by_role("button", name="Marquer reproduite et relier").click()
    member.wait_for_function(
        "() => document.querySelector('[data-status]').dataset.status === 'reproduite'"
    )
    assert "visite prévue en mars" in member.locator("[data-notes]").inner_text()
    context.close()
    request.refresh_from_db()
    assert request.status == RequestStatus.REPRODUCED

    # The referring centre sees the same request and its notes.
    context, pb = log_in(browser, base, "membre.pb@example.org")
    pb.goto(base + f"/espace/essaimage/{request.pk}/")
    assert "visite prévue en mars" in pb.locator("[data-notes]").inner_text()
    context.close()

    # Both pages show the link; the map draws it and filters the essaimées.
    page.goto(base + f"/initiatives/{source.slug}/")
    assert "Essaimée dans 1 territoire" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.goto(base + f"/initiatives/{copy.slug}/")
    assert source.title in page.locator("[data-sources]").inner_text()
    page.goto(base + f"/?essaimage={source.slug}")
    wait_for_map(page)
    page.wait_for_function(
        "() => document.querySelector('[data-map]').dataset.essaimageLines === '1'"
    )
    page.goto(base + "/?essaimees=on")
    wait_for_map(page)
    page.wait_for_function("() => document.querySelector('#compte').textContent === '1 initiative'")
    assert page.locator("#liste .initiative-card__title").all_inner_texts() == [source.title]

    # The dashboard counts it.
    page.goto(base + "/impact/")
    assert page.locator("[data-figure='essaimees']").inner_text() == "1"
    assert page.locator("[data-figure='reproductions']").inner_text() == "1"
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "essaimage-impact.png"), full_page=True)
    assert errors == []


def test_other_new_pages_pass_axe(live_server, page, browser, network):
    """The pages the loop does not cross: the links of the workspace, the subscription to a
    search and its messages."""
    base = live_server.url
    source = initiative()
    context, member = log_in(browser, base, "membre.pb@example.org")
    member.goto(base + "/espace/essaimage/liens/")
    member.get_by_label("L'initiative qui reproduit").fill("inconnue")
    member.get_by_label("Est inspirée de").fill(source.slug)
    member.get_by_role("button", name="Relier").click()
    assert "Aucune initiative ne porte" in member.locator("main").inner_text()
    assert axe_violations(member) == []
    context.close()
    page.goto(base + "/alertes/?thematique=commerce-proximite")
    assert "Commerce de proximité" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Votre adresse électronique").fill("lecteur@example.org")
    page.get_by_label("J'accepte de recevoir").check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="M'abonner").click()
    page.wait_for_url(base + "/alertes/merci/")
    assert axe_violations(page) == []
    run_jobs()
    token = next(m for m in mail.outbox if m.to == ["lecteur@example.org"]).body
    confirm = token.split("/alertes/confirmer/", 1)[1].split("/", 1)[0]
    page.goto(base + f"/alertes/confirmer/{confirm}/")
    page.get_by_role("button", name="Je confirme mon abonnement").click()
    assert "Abonnement confirmé" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
