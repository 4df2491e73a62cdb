"""The centres' workspace: lists, the initiative form, moderation, history, conflicts."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.initiatives.models import Initiative, InitiativeStatus, Proposal, ProposalStatus
from pepites.initiatives.services import update_initiative
from tests.conftest import PASSWORD
from tests.contrib_helpers import propose
from tests.initiatives.helpers import new_initiative


@pytest.fixture(autouse=True)
def strict_templates(settings, tmp_path):
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID<%s>"
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def form_post(initiative=None, **overrides):
    data = {
        "title": "Une boutique à l'essai",
        "summary": "Un local commercial prêté six mois.",
        "context": "",
        "actions": "",
        "results": "",
        "replication": "",
        "porteur_name": "Association Commerces en quartier",
        "porteur_kind": "association",
        "partners": "",
        "funders": "",
        "target_public": "",
        "themes": ["commerce-proximite"],
        "principal_theme": "",
        "start_year": "",
        "is_running": "on",
        "commune": "Saint-Denis (93066)",
        "address": "",
        "latitude": "",
        "longitude": "",
        "location_status": "",
        "centre": "profession-banlieue",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "status": "brouillon",
        "image_alt": "",
        "image_credits": "",
        "expected_version": "",
    }
    if initiative is not None:
        # What the edit form shows for this initiative, as a browser sends it back.
        from pepites.web.workspace.forms import InitiativeForm, commune_text

        for name, value in InitiativeForm.initial_for(initiative).items():
            if name == "commune":
                value = commune_text(value)
            elif isinstance(value, bool):
                value = "on" if value else ""
            elif value is None:
                value = ""
            data[name] = value if isinstance(value, list) else str(value)
    data.update(overrides)
    return data


def test_the_dashboard_lists_the_centres_initiatives_with_state_filters(client, people):
    login(client, people.member)
    mine = new_initiative(title="Chez nous", status=InitiativeStatus.PUBLISHED)
    draft = new_initiative(title="Brouillon de chez nous")
    theirs = new_initiative(title="Chez Labo Cités", commune_code="69123")
    response = client.get("/espace/")
    html = response.content.decode()
    assert set(response.context["page"].object_list) == {mine, draft}
    assert "Chez Labo Cités" not in html
    drafts = client.get("/espace/?etat=brouillon").context["page"].object_list
    assert list(drafts) == [draft]
    assert theirs.centre == people.labo
    assert "INVALID<" not in html


def test_initiatives_not_checked_for_a_year_are_flagged(client, people):
    login(client, people.member)
    old = new_initiative(title="Vérifiée il y a longtemps", status=InitiativeStatus.PUBLISHED)
    Initiative.objects.filter(pk=old.pk).update(
        last_checked_at=timezone.now() - timezone.timedelta(days=400)
    )
    recent = new_initiative(title="Vérifiée hier", status=InitiativeStatus.PUBLISHED)
    Initiative.objects.filter(pk=recent.pk).update(last_checked_at=timezone.now())
    listed = client.get("/espace/?etat=a_verifier").context["page"].object_list
    assert list(listed) == [old]
    # "Checked today" in one click.
    client.post(
        reverse("workspace:initiative_status", kwargs={"pk": old.pk}),
        {"action": "verifiee", "expected_version": old.version},
    )
    assert not client.get("/espace/?etat=a_verifier").context["page"].object_list


def test_create_an_initiative_with_markdown_a_point_and_an_image(client, people):
    login(client, people.member)
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (10, 80, 120)).save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "vitrine.jpg"
    response = client.post(
        "/espace/initiatives/nouvelle/",
        form_post(
            context="**Un local vide** depuis dix ans <script>alert(1)</script>",
            latitude="48.9362",
            longitude="2.3574",
            status="publiee",
            image=buffer,
            image_alt="La vitrine de la boutique",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    initiative = Initiative.objects.get()
    assert initiative.centre == people.pb and initiative.status == InitiativeStatus.PUBLISHED
    assert initiative.context == "**Un local vide** depuis dix ans"
    assert initiative.location_status == "manual"
    assert initiative.images.get().alt_text == "La vitrine de la boutique"
    assert initiative.history.get().history_user == people.member
    page = client.get(response.url).content.decode()
    assert "La vitrine de la boutique" in page and "INVALID<" not in page


def test_form_errors_keep_what_was_typed(client, people):
    login(client, people.member)
    response = client.post(
        "/espace/initiatives/nouvelle/",
        form_post(
            title="",
            context="Un long texte soigneusement rédigé.",
            latitude="48.9",
            themes=[],
            image=io.BytesIO(b"not an image at all"),
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in html
    assert "Choisissez au moins une thématique." in html
    assert "Indiquez la latitude et la longitude" in html
    assert "n&#x27;est pas une image" in html
    assert "Un long texte soigneusement rédigé." in html
    assert not Initiative.objects.exists()


def test_a_member_cannot_create_for_another_centre(client, people):
    login(client, people.member)
    response = client.post("/espace/initiatives/nouvelle/", form_post(centre="labo-cites"))
    assert response.status_code == 400
    assert not Initiative.objects.exists()


def test_two_members_edit_the_same_initiative_the_second_gets_a_conflict(client, people):
    """Both open the form at version 1; the first saves; the second's save is refused with a
    page that keeps their text and shows what the first one changed. Nothing is lost."""
    initiative = new_initiative(summary="Résumé d'origine.", context="Contexte d'origine.")
    from django.test import Client

    first, second = login(Client(), people.member), login(Client(), people.manager)
    url = reverse("workspace:initiative_edit", kwargs={"pk": initiative.pk})
    form_first = first.get(url).context["form"]
    form_second = second.get(url).context["form"]
    assert form_first["expected_version"].value() == form_second["expected_version"].value() == 1

    saved = first.post(url, form_post(initiative, summary="Résumé de la première personne."))
    assert saved.status_code == 302
    conflict = second.post(
        url, form_post(initiative, context="Contexte réécrit par la seconde personne.")
    )
    html = conflict.content.decode()
    assert conflict.status_code == 409
    assert "Contexte réécrit par la seconde personne." in html  # their text, kept
    assert "<ins>de la première personne.</ins>" in html  # what the other changed
    assert "membre.pb@example.org" in html  # and who
    stored = Initiative.objects.get(pk=initiative.pk)
    assert stored.summary == "Résumé de la première personne."
    assert stored.context == "Contexte d'origine."
    # The conflict page's form is set to the current version: sending it is a deliberate save.
    assert conflict.context["form"]["expected_version"].value() == "2"
    retry = second.post(
        url,
        form_post(
            stored,
            summary="Résumé de la première personne.",
            context="Contexte réécrit par la seconde personne.",
        ),
    )
    assert retry.status_code == 302
    stored.refresh_from_db()
    assert stored.context == "Contexte réécrit par la seconde personne."
    assert stored.summary == "Résumé de la première personne."
    assert stored.history.count() == 3


def test_history_diff_and_restore_pages(client, people):
    login(client, people.member)
    initiative = new_initiative(summary="Le texte d'avant.", status=InitiativeStatus.PUBLISHED)
    first = initiative.history.get()
    update_initiative(
        initiative=initiative,
        expected_version=1,
        summary="Le texte d'après.",
        history_user=people.manager,
    )
    history = client.get(
        reverse("workspace:history", kwargs={"pk": initiative.pk})
    ).content.decode()
    assert "responsable.pb@example.org" in history and "résumé" in history
    version_url = reverse(
        "workspace:version", kwargs={"pk": initiative.pk, "history_id": first.history_id}
    )
    page = client.get(version_url).content.decode()
    assert "Restaurer cette version" in page and "INVALID<" not in page
    restore_url = reverse(
        "workspace:restore", kwargs={"pk": initiative.pk, "history_id": first.history_id}
    )
    assert client.post(restore_url, {"expected_version": 1}).status_code == 302  # stale: refused
    assert Initiative.objects.get(pk=initiative.pk).summary == "Le texte d'après."
    client.post(restore_url, {"expected_version": 2})
    assert Initiative.objects.get(pk=initiative.pk).summary == "Le texte d'avant."
    public = client.get(
        reverse("initiative_detail", kwargs={"slug": initiative.slug})
    ).content.decode()
    assert "Le texte d&#x27;avant." in public or "Le texte d'avant." in public


def test_publish_and_archive_hide_nothing_is_deleted(client, people):
    login(client, people.member)
    initiative = new_initiative(status=InitiativeStatus.PUBLISHED)
    public_url = reverse("initiative_detail", kwargs={"slug": initiative.slug})
    assert client.get(public_url).status_code == 200
    client.post(
        reverse("workspace:initiative_status", kwargs={"pk": initiative.pk}),
        {"action": "archiver", "expected_version": initiative.version},
    )
    assert client.get(public_url).status_code == 404
    assert Initiative.objects.get(pk=initiative.pk).status == InitiativeStatus.ARCHIVED


@pytest.mark.django_db(transaction=True)
def test_moderation_accept_with_edits(client, people):
    proposal = propose()
    login(client, people.member)
    queue = client.get("/espace/propositions/").content.decode()
    assert proposal.title in queue
    review = client.get(reverse("workspace:proposal", kwargs={"pk": proposal.pk}))
    html = review.content.decode()
    assert "habitante@example.net" in html and "INVALID<" not in html
    run_jobs()  # the receipt of the proposal
    mail.outbox.clear()
    response = client.post(
        reverse("workspace:proposal_accept", kwargs={"pk": proposal.pk}),
        form_post(
            title="La Fabrique à entreprendre (Saint-Denis)",
            summary=proposal.data["summary"],
            porteur_name=proposal.data["porteur_name"],
            themes=proposal.data["theme_slugs"],
            status="publiee",
        ),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.initiative.title == "La Fabrique à entreprendre (Saint-Denis)"
    assert proposal.initiative.status == InitiativeStatus.PUBLISHED
    run_jobs()
    # The moderator lands on the new record.
    assert response["Location"] == reverse(
        "workspace:initiative_edit", kwargs={"pk": proposal.initiative.pk}
    )
    assert mail.outbox[0].to == ["habitante@example.net"]
    assert proposal.initiative.slug in mail.outbox[0].body


def test_moderation_reject_needs_a_reason(client, people):
    proposal = propose()
    login(client, people.member)
    url = reverse("workspace:proposal_reject", kwargs={"pk": proposal.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif du refus" in response.content.decode()
    client.post(url, {"reason": "Déjà sur la carte."})
    assert Proposal.objects.get().status == ProposalStatus.REJECTED


def test_review_shows_duplicates_and_merges(client, people):
    existing = new_initiative(
        title="Fabrique à entreprendre Saint-Denis", status=InitiativeStatus.PUBLISHED
    )
    proposal = propose()
    login(client, people.member)
    html = client.get(reverse("workspace:proposal", kwargs={"pk": proposal.pk})).content.decode()
    merge_url = reverse(
        "workspace:proposal_merge", kwargs={"pk": proposal.pk, "initiative_pk": existing.pk}
    )
    assert "Doublons possibles" in html and merge_url in html
    merge_page = client.get(merge_url)
    assert merge_page.status_code == 200
    initial = merge_page.context["form"].initial
    response = client.post(
        merge_url,
        form_post(existing, results="Quarante entreprises créées en deux ans."),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.MERGED and proposal.initiative == existing
    assert (
        Initiative.objects.get(pk=existing.pk).results == "Quarante entreprises créées en deux ans."
    )
    assert initial["results"] == "Quarante entreprises créées en deux ans."


def test_commune_suggestions(client, people):
    data = client.get("/communes/suggestions?q=saint-denis").json()
    labels = [c["label"] for c in data["communes"]]
    assert "Saint-Denis (93066)" in labels and "Saint-Denis (97411)" in labels


def test_markdown_preview_is_sanitised(client, people):
    login(client, people.member)
    html = client.post(
        "/espace/outils/apercu", {"text": "**a** <script>x</script>"}
    ).content.decode()
    assert html.strip() == "<p><strong>a</strong></p>"


def test_invite_a_colleague(client, people, django_capture_on_commit_callbacks):
    login(client, people.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/espace/membres/?centre=profession-banlieue",
            {"email": "nouvelle@example.org", "role": "membre", "centre": "profession-banlieue"},
        )
    assert response.status_code == 302
    run_jobs()
    assert mail.outbox[-1].to == ["nouvelle@example.org"]
    # A member may not invite a manager; a manager may.
    manager = {"email": "chef@example.org", "role": "responsable", "centre": "profession-banlieue"}
    assert client.post("/espace/membres/", manager).status_code == 403
    login(client, people.manager)
    assert client.post("/espace/membres/", manager).status_code == 302


@pytest.fixture
def fake_ban(settings):
    from django.core.cache import cache

    from tests.territories.fake_ban import FakeBan

    cache.clear()  # the geocoder keeps its answers in the cache
    server = FakeBan().start()
    settings.GEOCODER_URL = server.url
    yield server
    server.stop()


def test_the_form_geocodes_an_address_through_the_ban(client, people, fake_ban, settings):
    login(client, people.member)
    url = reverse("workspace:geocode")
    found = client.get(url, {"adresse": "6 rue de la République, Saint-Denis", "commune": "93066"})
    data = found.json()
    assert found.status_code == 200 and data["status"] == "found"
    assert data["latitude"] and data["longitude"]
    settings.GEOCODER_RETRIES = 0
    fake_ban.then("/search", status=503)
    down = client.get(url, {"adresse": "8 rue de la République, Saint-Denis", "commune": "93066"})
    assert down.status_code == 503 and down.json()["status"] == "unavailable"
    # Without the geocoder, the point is placed by hand: the form takes it.
    assert client.get(url, {"adresse": "x"}).status_code == 400
