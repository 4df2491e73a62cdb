"""The workspace's initiative form: the QPV an initiative serves ("pour les quartiers"),
saved with the rest or not at all; and the point's status when a contributor moves it."""

import pytest
from django.urls import reverse

from pepites.initiatives.models import Initiative, InitiativeQpv, InitiativeStatus
from pepites.initiatives.services import update_initiative
from pepites.web.initiatives.idlists import delta_decode
from tests.contrib_helpers import propose
from tests.initiatives.helpers import new_initiative, stored
from tests.territories.qpv_fixtures import at, import_sample_qpvs
from tests.web.test_workspace import form_post, login


@pytest.fixture(autouse=True)
def strict_templates(settings):
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID<%s>"


@pytest.fixture
def qpvs(people, tmp_path):
    return import_sample_qpvs(tmp_path)


def served(initiative) -> list[str]:
    return sorted(
        InitiativeQpv.objects.filter(initiative=initiative, relation="pour").values_list(
            "qpv_code", flat=True
        )
    )


def edit_url(initiative) -> str:
    return reverse("workspace:initiative_edit", kwargs={"pk": initiative.pk})


def test_a_contributor_states_the_qpv_served(client, qpvs, people):
    login(client, people.member)
    initiative = new_initiative(title="Plateforme emploi", **at(-8_000, 300))
    page = client.get(edit_url(initiative)).content.decode()
    assert 'name="served_qpvs"' in page and "INVALID<" not in page
    assert "Quartiers prioritaires servis (« pour les quartiers »)" in page
    response = client.post(
        edit_url(initiative),
        form_post(
            initiative,
            title="Plateforme emploi des quartiers",
            served_qpvs="qn09301m, Quartier des Deux Rives — Saint-Denis, Montreuil (QN09302M)",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert served(initiative) == ["QN09301M", "QN09302M"]
    fresh = Initiative.objects.get(pk=initiative.pk)
    assert fresh.title == "Plateforme emploi des quartiers"
    assert fresh.version == initiative.version + 1
    page = client.get(edit_url(initiative))
    assert page.context["form"].initial["served_qpvs"] == "QN09301M, QN09302M"
    html = page.content.decode()
    assert "Quartiers servis : Quartier du Puits (QN09301M), Quartier des Deux Rives" in html
    assert 'href="/quartiers/"' in html
    # Codes separated by spaces or lines; emptied, the statement is withdrawn.
    client.post(edit_url(initiative), form_post(fresh, served_qpvs="QN09301M\nQN09303M QN09302M"))
    assert served(initiative) == ["QN09301M", "QN09302M", "QN09303M"]
    fresh = Initiative.objects.get(pk=initiative.pk)
    client.post(edit_url(initiative), form_post(fresh, served_qpvs=""))
    assert served(initiative) == []
    # The public page says it.
    fresh = Initiative.objects.get(pk=initiative.pk)
    client.post(edit_url(initiative), form_post(fresh, served_qpvs="QN09301M", status="publiee"))
    detail = client.get(reverse("initiative_detail", kwargs={"slug": fresh.slug}))
    assert "Quartier du Puits" in detail.content.decode()


def test_created_with_the_qpv_served(client, qpvs, people):
    login(client, people.member)
    response = client.post(
        "/espace/initiatives/nouvelle/",
        form_post(served_qpvs="QN97401M", status="publiee", **at(-8_000, 300)),
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert served(initiative) == ["QN97401M"]
    answer = client.get("/carte/recherche?quartier=QN97401M&relation=pour").json()
    ids = delta_decode(answer["ids_delta"])
    assert ids == [initiative.pk]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "QN09301M, QN99999M",
            "Quartier prioritaire inconnu de la liste en vigueur : QN99999M.",
        ),
        (
            "QN99999M; QP093012",
            "Quartiers prioritaires inconnus de la liste en vigueur : QN99999M, QP093012.",
        ),
        (
            "QN09301M, Quartier du Puits",
            "« Quartier du Puits » n&#x27;est pas un code de quartier prioritaire (ex. QN09301M).",
        ),
    ],
)
def test_an_unknown_qpv_changes_nothing(client, qpvs, people, text, message):
    login(client, people.member)
    initiative = new_initiative(title="Plateforme emploi", **at(-8_000, 300))
    client.post(edit_url(initiative), form_post(initiative, served_qpvs="QN09303M"))
    initiative = Initiative.objects.get(pk=initiative.pk)
    before = stored(initiative)
    response = client.post(
        edit_url(initiative),
        form_post(initiative, title="Un autre titre", served_qpvs=text),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="id_served_qpvs_error"' in html
    assert 'aria-describedby="id_served_qpvs_error id_served_qpvs_helptext"' in html
    assert f'value="{text}"' in html  # what was typed is kept
    assert stored(initiative) == before
    assert served(initiative) == ["QN09303M"]


def test_without_any_qpv_list_the_field_stays_empty(client, people):
    login(client, people.member)
    response = client.post(
        "/espace/initiatives/nouvelle/", form_post(title="Sans liste", served_qpvs="QN09301M")
    )
    assert response.status_code == 400
    assert "Aucune liste de quartiers prioritaires n&#x27;est encore importée" in (
        response.content.decode()
    )
    assert not Initiative.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_moderator_states_them_when_accepting_a_proposal(client, qpvs, people):
    proposal = propose()
    login(client, people.member)
    response = client.post(
        reverse("workspace:proposal_accept", kwargs={"pk": proposal.pk}),
        form_post(
            title=proposal.data["title"],
            summary=proposal.data["summary"],
            porteur_name=proposal.data["porteur_name"],
            themes=proposal.data["theme_slugs"],
            status="publiee",
            served_qpvs="QN09302M",
        ),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert served(proposal.initiative) == ["QN09302M"]


def test_a_point_moved_by_hand_is_marked_manual(client, qpvs, people):
    """Without the form's script (which says "manual" itself): the stored status stays while
    the point does not move, and "placée à la main" once it does."""
    login(client, people.member)
    initiative = new_initiative(title="Géocodée", address="1 rue de la Gare", **at(100, 100))
    update_initiative(
        initiative=initiative, expected_version=initiative.version, location_status="found"
    )
    initiative = Initiative.objects.get(pk=initiative.pk)
    page = client.get(edit_url(initiative)).content.decode()
    # The hidden field starts empty: it only carries what the script says of a new point.
    assert '<input type="hidden" name="location_status" id="id_location_status">' in page
    # Saved without moving (the script rewrites 6 decimals: no move).
    latitude = f"{initiative.latitude:.6f}"
    client.post(edit_url(initiative), form_post(initiative, latitude=latitude, summary="Autre."))
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert (initiative.summary, initiative.location_status) == ("Autre.", "found")
    # Moved by hand (typed, no script): "manual", and placed again against the QPV.
    moved = at(-150, 300)
    client.post(
        edit_url(initiative),
        form_post(initiative, latitude=str(moved["latitude"]), longitude=str(moved["longitude"])),
    )
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert (initiative.location_status, initiative.qpv_relation) == ("manual", "proximite")
    # What the script says wins (a geocoded point), and no point is no status.
    client.post(edit_url(initiative), form_post(initiative, location_status="uncertain"))
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.location_status == "uncertain"
    client.post(edit_url(initiative), form_post(initiative, latitude="", longitude=""))
    assert Initiative.objects.get(pk=initiative.pk).location_status == ""
    assert initiative.status == InitiativeStatus.DRAFT


def test_parsing_the_list_typed_or_pasted():
    from pepites.web.workspace.forms import parse_qpv_codes

    assert parse_qpv_codes("") == []
    assert parse_qpv_codes(" qn09301m ;QN09302M\nQN09303M  QN97401M ") == [
        "QN09301M",
        "QN09302M",
        "QN09303M",
        "QN97401M",
    ]
    labels = (
        "QN09303M, Quartier des Deux Rives — Saint-Denis, Montreuil (QN09302M), "
        "Quartier du Chaudron (test) (QN97401M); Quartier du Puits — Saint-Denis (qn09301m)"
    )
    assert parse_qpv_codes(labels) == ["QN09303M", "QN09302M", "QN97401M", "QN09301M"]
    with pytest.raises(ValueError, match="Quartier du Puits"):
        parse_qpv_codes("QN09301M, Quartier du Puits")
    with pytest.raises(ValueError, match="QN0930"):
        parse_qpv_codes("QN0930, Quartier (QN09301M)")
