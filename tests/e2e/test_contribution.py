"""End to end, in a browser: a visitor proposes, the centre moderates, the map shows it;
a correction goes through the same way, and the history restores the old text."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.initiatives.models import Initiative, InitiativeStatus, Proposal
from pepites.initiatives.services import create_initiative
from pepites.network.memberships import add_member
from pepites.network.models import Centre
from tests.conftest import PASSWORD, load_sample_reference_data
from tests.e2e.conftest import axe_violations
from tests.e2e.map_helpers import wait_for_map, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(settings, fast_passwords):
    load_sample_reference_data()
    settings.PROPOSAL_MIN_FILL_SECONDS = 1
    member = User.objects.create_user("membre.pb", "membre.pb@example.org", PASSWORD)
    add_member(user=member, centre=Centre.objects.get(slug="profession-banlieue"))
    other = User.objects.create_user("membre.labo", "membre.labo@example.org", PASSWORD)
    add_member(user=other, centre=Centre.objects.get(slug="labo-cites"))
    return member, other


def log_in(browser, base_url, email):
    context = browser.new_context(locale="fr-FR")
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(base_url) else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base_url + "/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base_url + "/espace/")
    return context, page


def search_available() -> bool:
    import pepites.search

    return hasattr(pepites.search, "search_initiative_ids")


def test_a_proposal_from_a_visitor_to_the_public_map(
    live_server, page, browser, network, artifacts_dir
):
    _member, _other = network
    errors = watch_console(page)
    base = live_server.url

    # A visitor proposes an initiative in Saint-Denis.
    page.goto(base + "/proposer/")
    assert axe_violations(page) == []
    page.get_by_label("Nom de l'initiative").fill("La Fabrique à entreprendre du Franc-Moisin")
    page.get_by_label("Qui la porte ?").fill("Association Entreprendre en Plaine")
    page.get_by_label("Commune").fill("Saint-Denis (93066)")
    page.get_by_label("Entrepreneuriat").check()
    page.get_by_label("En quelques phrases").fill(
        "Un lieu qui accompagne les habitants du quartier dans la création d'entreprise."
    )
    page.get_by_label("Votre adresse électronique").fill("habitante@example.net")
    page.get_by_label("J'accepte que mon adresse soit conservée").check()
    page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url(base + "/proposer/merci/")
    assert "Profession Banlieue" in page.locator("main").inner_text()
    proposal = Proposal.objects.get()
    page.screenshot(path=str(artifacts_dir / "contribution-thanks.png"), full_page=True)

    # The centre's member got the e-mail; the proposer got a confirmation.
    run_jobs()
    notice = next(m for m in mail.outbox if m.to == ["membre.pb@example.org"])
    assert f"/espace/propositions/{proposal.pk}/" in notice.body
    assert any(m.to == ["habitante@example.net"] for m in mail.outbox)

    # A member of another centre does not see it, not even by its address.
    other_context, other_page = log_in(browser, base, "membre.labo@example.org")
    other_page.goto(base + "/espace/propositions/")
    assert "Franc-Moisin" not in other_page.locator("main").inner_text()
    response = other_page.goto(base + f"/espace/propositions/{proposal.pk}/")
    assert response.status == 403
    other_context.close()

    # The member of Profession Banlieue finds it in the queue and accepts it.
    context, member_page = log_in(browser, base, "membre.pb@example.org")
    member_page.goto(base + "/espace/propositions/")
    member_page.get_by_role("link", name="La Fabrique à entreprendre du Franc-Moisin").click()
    assert "habitante@example.net" in member_page.locator("main").inner_text()
    member_page.get_by_label("Latitude").fill("48.9277")
    member_page.get_by_label("Longitude").fill("2.3652")
    member_page.screenshot(path=str(artifacts_dir / "contribution-review.png"), full_page=True)
    assert axe_violations(member_page) == []
    member_page.get_by_role("button", name="Accepter la proposition").click()
    # The moderator lands on the new record, not on the (now empty) queue.
    member_page.wait_for_url(re.compile(base + r"/espace/initiatives/\d+/$"))
    assert "Proposition acceptée" in member_page.locator(".messages").inner_text()
    initiative = Initiative.objects.get()
    assert member_page.url == base + f"/espace/initiatives/{initiative.pk}/"
    assert initiative.status == InitiativeStatus.PUBLISHED
    context.close()

    # It is on the public map and in the list, and on a page of its own.
    page.goto(base + "/")
    assert wait_for_map(page) >= 1
    titles = page.locator("#liste .initiative-card__title").all_inner_texts()
    assert "La Fabrique à entreprendre du Franc-Moisin" in titles
    if search_available():
        page.get_by_label("Mots-clés").fill("fabrique entreprendre")
        page.wait_for_function(
            "() => document.querySelector('#compte').textContent === '1 initiative'"
        )
        assert page.locator("#liste .initiative-card__title").all_inner_texts() == [
            "La Fabrique à entreprendre du Franc-Moisin"
        ]
    page.goto(base + f"/initiatives/{initiative.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == initiative.title
    assert errors == []


def test_a_correction_then_the_history_restores_the_old_text(
    live_server, page, browser, network, artifacts_dir
):
    base = live_server.url
    initiative = create_initiative(
        title="Épicerie solidaire du Franc-Moisin",
        summary="Une épicerie qui vend à petits prix aux habitants du quartier.",
        porteur_name="Association Épi'Sol",
        commune_code="93066",
        theme_slugs=["commerce-proximite"],
        latitude=48.9277,
        longitude=2.3652,
        status=InitiativeStatus.PUBLISHED,
    )
    old_summary = initiative.summary
    new_summary = "Une épicerie solidaire, ouverte six jours sur sept, tenue par des habitants."

    # A visitor suggests a correction from the initiative's page.
    page.goto(base + f"/initiatives/{initiative.slug}/")
    page.get_by_role("link", name="Proposer une correction").click()
    assert axe_violations(page) == []
    page.get_by_label("Résumé").fill(new_summary)
    page.get_by_label("Votre adresse électronique").fill("lecteur@example.net")
    page.get_by_label("J'accepte que mon adresse soit conservée").check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Envoyer la correction").click()
    page.wait_for_url(base + "/proposer/merci/")

    # The member reviews the change and accepts it.
    context, member_page = log_in(browser, base, "membre.pb@example.org")
    member_page.goto(base + "/espace/propositions/")
    member_page.get_by_role("link", name=initiative.title).click()
    assert new_summary in member_page.locator(".diff").inner_text()
    member_page.get_by_role("button", name="Accepter la proposition").click()
    member_page.wait_for_url(base + f"/espace/initiatives/{initiative.pk}/")

    page.goto(base + f"/initiatives/{initiative.slug}/")
    assert page.locator(".lead").inner_text() == new_summary

    # The history shows the change, and restoring the first version brings the old text back.
    member_page.goto(base + f"/espace/initiatives/{initiative.pk}/historique/")
    history = member_page.locator("main").inner_text()
    assert re.search(r"Proposition n°\d+ acceptée", history) and "résumé" in history
    member_page.locator(".history-list li").last.get_by_role("link").click()
    member_page.goto(member_page.url)  # the creation: nothing before it
    member_page.screenshot(path=str(artifacts_dir / "contribution-version.png"), full_page=True)
    member_page.get_by_role("button", name="Restaurer cette version").click()
    assert "Version restaurée" in member_page.locator(".messages").inner_text()
    context.close()

    page.goto(base + f"/initiatives/{initiative.slug}/")
    assert page.locator(".lead").inner_text() == old_summary
    assert Initiative.objects.get(pk=initiative.pk).history.count() == 3
