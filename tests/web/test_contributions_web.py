"""The public forms: /proposer/ and "suggest a correction", with their anti-spam checks."""

import pytest
from django.core import mail
from django.urls import reverse

from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.initiatives.contributions.moderation import accept_proposal, reject_proposal
from pepites.initiatives.models import InitiativeStatus, Proposal, ProposalKind, ProposalStatus
from tests.contrib_helpers import old_token, proposal_form_post
from tests.initiatives.helpers import new_initiative

PROPOSE = "/proposer/"


def search_available() -> bool:
    """The search module is another piece of work; its pages are checked once it is there."""
    import pepites.search

    return hasattr(pepites.search, "search_initiative_ids")


@pytest.fixture(autouse=True)
def invalid_template_variables(settings):
    """Undefined template variables fail the test instead of showing nothing."""
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID<%s>"


def test_the_form_is_short_and_says_what_is_kept(client, people):
    response = client.get(PROPOSE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vos données" in html and "n'est jamais publiée" in html
    assert 'name="homepage"' in html and 'name="form_token"' in html
    assert "INVALID<" not in html


@pytest.mark.django_db(transaction=True)
def test_a_proposal_is_routed_confirmed_and_thanked(client, people):
    response = client.post(PROPOSE, proposal_form_post())
    assert response.status_code == 302 and response.url == reverse("proposal_thanks")
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.centre, proposal.proposer_name) == (
        ProposalKind.NEW,
        people.pb,
        "Awa",
    )
    thanks = client.get(response.url).content.decode()
    assert "Profession Banlieue" in thanks and "habitante@example.net" in thanks
    run_jobs()
    assert {tuple(m.to) for m in mail.outbox} >= {("habitante@example.net",)}
    assert any("membre.pb@example.org" in m.to for m in mail.outbox)


def test_errors_are_in_french_next_to_the_field_and_the_text_is_kept(client, people):
    response = client.post(
        PROPOSE,
        proposal_form_post(
            title="", commune="Nulle-Part-sur-Mer", proposer_email="pas-une-adresse", consent=""
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_title_error"' in html and "Donnez un nom à l&#x27;initiative." in html
    assert "Aucune commune ne s&#x27;appelle « Nulle-Part-sur-Mer »" in html
    assert "Saisissez une adresse électronique valide" in html
    assert "Cochez cette case" in html
    assert 'aria-describedby="id_title_error' in html
    # What was typed is still there.
    assert 'value="Association Entreprendre en Plaine"' in html
    assert "Un lieu qui accompagne les habitants" in html
    assert not Proposal.objects.exists()


def test_an_ambiguous_commune_asks_which_one(client, people):
    html = client.post(PROPOSE, proposal_form_post(commune="Saint-Denis")).content.decode()
    assert "Plusieurs communes correspondent" in html and "(97411)" in html and "(93066)" in html


def test_a_form_sent_faster_than_a_person_can_is_refused(client, people, settings):
    settings.PROPOSAL_MIN_FILL_SECONDS = 4
    token = client.get(PROPOSE).context["form"]["form_token"].value()
    response = client.post(PROPOSE, proposal_form_post(form_token=token))
    assert response.status_code == 400
    html = response.content.decode()
    # Said without accusing the person, who may simply resend.
    assert "très peu de temps après l&#x27;ouverture de la page" in html
    assert "envoyez de nouveau" in html and "personne" not in html.split('id="erreurs"')[1][:600]
    assert not Proposal.objects.exists()
    # The same form sent back later, at a person's pace, goes through.
    assert client.post(PROPOSE, proposal_form_post(form_token=old_token(5))).status_code == 302


def test_a_forged_or_missing_token_is_refused(client, people):
    for token in ("", "forged", old_token(2 * 24 * 3600)):
        response = client.post(PROPOSE, proposal_form_post(form_token=token))
        assert response.status_code == 400
        assert "expiré" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_honeypot_catches_robots(client, people):
    response = client.post(PROPOSE, proposal_form_post(homepage="http://spam.example"))
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_the_eleventh_proposal_from_one_address_in_an_hour_is_refused(client, people, settings):
    settings.PROPOSALS_PER_HOUR = 10
    for n in range(10):
        response = client.post(
            PROPOSE,
            proposal_form_post(title=f"Initiative {n}", proposer_email=f"p{n}@example.net"),
            REMOTE_ADDR="198.51.100.20",
        )
        assert response.status_code == 302, n
    response = client.post(
        PROPOSE,
        proposal_form_post(title="La onzième", proposer_email="autre@example.net"),
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "réessayer dans une heure" in html and 'value="La onzième"' in html
    assert Proposal.objects.count() == 10


def correction_post(initiative, **overrides):
    data = {
        "message": "",
        "title": initiative.title,
        "summary": initiative.summary,
        "porteur_name": initiative.porteur_name,
        "address": initiative.address,
        "context": initiative.context,
        "actions": initiative.actions,
        "results": initiative.results,
        "replication": initiative.replication,
        "proposer_email": "lecteur@example.net",
        "consent": "on",
        "homepage": "",
        "form_token": old_token(),
    }
    data.update(overrides)
    return data


def test_suggesting_a_correction(client, people):
    initiative = new_initiative(status=InitiativeStatus.PUBLISHED)
    url = reverse("initiative_correction", kwargs={"slug": initiative.slug})
    page = client.get(url).content.decode()
    assert initiative.summary in page and "Profession Banlieue" in page
    response = client.post(url, correction_post(initiative, results="Douze boutiques ouvertes."))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == ProposalKind.CORRECTION and proposal.initiative == initiative
    assert proposal.data == {"results": "Douze boutiques ouvertes."}
    # Unchanged fields and no message: nothing to send.
    response = client.post(url, correction_post(initiative))
    assert response.status_code == 400 and "Modifiez au moins un champ" in response.content.decode()


def test_no_correction_form_for_an_unpublished_initiative(client, people):
    initiative = new_initiative()
    url = reverse("initiative_correction", kwargs={"slug": initiative.slug})
    assert client.get(url).status_code == 404


def test_hostile_description_comes_out_harmless_on_the_public_page(client, people):
    initiative = new_initiative(status=InitiativeStatus.PUBLISHED)
    url = reverse("initiative_correction", kwargs={"slug": initiative.slug})
    hostile = (
        "Le projet <script>alert('xss')</script> a réussi.\n\n"
        '<img src=x onerror="alert(1)"> [voir](javascript:alert(2))'
    )
    client.post(url, correction_post(initiative, context=hostile, actions=hostile))
    proposal = Proposal.objects.get()
    accept_proposal(
        proposal=proposal,
        user=people.member,
        fields={"context": proposal.data["context"], "actions": hostile},  # even unclean input
        expected_version=initiative.version,
    )
    html = client.get(
        reverse("initiative_detail", kwargs={"slug": initiative.slug})
    ).content.decode()
    body = html[html.index('class="initiative__body"') :]
    assert "Le projet" in body and "a réussi." in body
    assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html


def test_nothing_of_a_rejected_proposal_reaches_the_public_pages(client, people):
    response = client.post(
        PROPOSE, proposal_form_post(title="Projet-refuse-Zorglub", summary="Texte-refuse-Zorglub")
    )
    assert response.status_code == 302
    reject_proposal(proposal=Proposal.objects.get(), user=people.member, reason="Doublon.")
    assert Proposal.objects.get().status == ProposalStatus.REJECTED
    urls = [
        "/",
        "/thematiques/entrepreneuriat/",
        "/centres/profession-banlieue/",
        "/carte/donnees.bin",
    ]
    if search_available():
        urls += ["/carte/recherche?q=Zorglub", "/?q=Zorglub"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Zorglub" not in body, url
