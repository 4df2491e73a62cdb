"""Every role × every workspace and admin action, called by direct URL: what a person may
not do is refused however they reach it (the API, not written yet, calls the same
functions, tested in tests/initiatives/test_permissions.py)."""

import pytest
from django.urls import reverse

from pepites.initiatives.models import Initiative, InitiativeStatus, Proposal, ProposalStatus
from pepites.initiatives.services import update_initiative
from tests.conftest import PASSWORD
from tests.contrib_helpers import propose
from tests.initiatives.helpers import new_initiative
from tests.web.test_workspace import form_post

ROLES = ["visitor", "outsider", "member", "manager", "other_member", "national", "admin"]
ALLOWED = {"member", "manager", "national", "admin"}  # for Profession Banlieue's objects


@pytest.fixture
def setup(people):
    initiative = new_initiative(summary="Résumé initial.", status=InitiativeStatus.PUBLISHED)
    update_initiative(initiative=initiative, expected_version=1, summary="Résumé modifié.")
    proposal = propose(title="Proposition privée de Saint-Denis")
    return initiative, proposal


def client_for(client, people, role):
    if role != "visitor":
        user = getattr(people, role)
        assert client.login(username=user.email, password=PASSWORD)
    return client


def expect(response, role, *, ok):
    if role == "visitor":
        assert response.status_code == 302 and "/compte/connexion/" in response.url
    elif role in ALLOWED:
        assert response.status_code in ok, response.status_code
    else:
        assert response.status_code == 403, response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages(client, people, setup, role):
    initiative, proposal = setup
    client = client_for(client, people, role)
    first = initiative.history.order_by("history_date").first()
    for url in (
        reverse("workspace:initiative_edit", kwargs={"pk": initiative.pk}),
        reverse("workspace:history", kwargs={"pk": initiative.pk}),
        reverse("workspace:version", kwargs={"pk": initiative.pk, "history_id": first.history_id}),
        reverse("workspace:proposal", kwargs={"pk": proposal.pk}),
        reverse(
            "workspace:proposal_merge", kwargs={"pk": proposal.pk, "initiative_pk": initiative.pk}
        ),
    ):
        response = client.get(url)
        expect(response, role, ok={200})
        if role not in ALLOWED:
            assert b"habitante@example.net" not in response.content


@pytest.mark.parametrize("role", ROLES)
def test_workspace_home_and_queue(client, people, setup, role):
    _initiative, proposal = setup
    client = client_for(client, people, role)
    for url in ("/espace/", "/espace/propositions/", "/espace/membres/"):
        response = client.get(url)
        if role == "visitor":
            expect(response, role, ok={200})
        elif role == "outsider":
            assert response.status_code == 403
        else:
            assert response.status_code == 200
            # Another centre's private proposals are not listed.
            assert (proposal.title.encode() in response.content) is (
                role in ALLOWED and url != "/espace/membres/"
            )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["publier", "archiver", "brouillon", "verifiee"])
def test_state_changes(client, people, setup, role, action):
    initiative, _proposal = setup
    client = client_for(client, people, role)
    response = client.post(
        reverse("workspace:initiative_status", kwargs={"pk": initiative.pk}),
        {"action": action, "expected_version": initiative.version},
    )
    expect(response, role, ok={302})
    changed = Initiative.objects.get(pk=initiative.pk).version != initiative.version
    assert changed is (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_edit_and_restore(client, people, setup, role):
    initiative, _proposal = setup
    client = client_for(client, people, role)
    response = client.post(
        reverse("workspace:initiative_edit", kwargs={"pk": initiative.pk}),
        form_post(initiative, summary="Réécrit."),
    )
    expect(response, role, ok={302})
    first = initiative.history.order_by("history_date").first()
    current = Initiative.objects.get(pk=initiative.pk)
    response = client.post(
        reverse("workspace:restore", kwargs={"pk": initiative.pk, "history_id": first.history_id}),
        {"expected_version": current.version},
    )
    expect(response, role, ok={302})
    expected = "Résumé initial." if role in ALLOWED else "Résumé modifié."
    assert Initiative.objects.get(pk=initiative.pk).summary == expected


@pytest.mark.parametrize("role", ROLES)
def test_moderation_actions(client, people, setup, role):
    initiative, proposal = setup
    client = client_for(client, people, role)
    response = client.post(
        reverse("workspace:proposal_reject", kwargs={"pk": proposal.pk}), {"reason": "Non."}
    )
    expect(response, role, ok={302})
    refused = Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.REJECTED
    assert refused is (role in ALLOWED)
    other = propose(title="Une autre", ip="10.9.9.9", email="autre@example.net")
    response = client.post(
        reverse("workspace:proposal_accept", kwargs={"pk": other.pk}),
        form_post(title="Une autre", status="publiee"),
    )
    expect(response, role, ok={302})
    response = client.post(
        reverse(
            "workspace:proposal_merge", kwargs={"pk": other.pk, "initiative_pk": initiative.pk}
        ),
        form_post(initiative),
    )
    if role in ALLOWED:
        assert response.status_code == 302  # already accepted: sent back to the proposal
    else:
        expect(response, role, ok={302})
    assert Proposal.objects.get(pk=other.pk).status == (
        ProposalStatus.ACCEPTED if role in ALLOWED else ProposalStatus.PENDING
    )


@pytest.mark.parametrize("role", ["member", "other_member", "national", "admin"])
def test_the_admin_applies_the_same_rules(client, people, setup, role):
    initiative, _proposal = setup
    user = getattr(people, role)
    user.is_staff = True
    user.save()
    client = client_for(client, people, role)
    change = client.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
    listing = client.get(reverse("admin:initiatives_initiative_changelist"))
    proposals = client.get(reverse("admin:initiatives_proposal_changelist"))
    delete = client.get(reverse("admin:initiatives_initiative_delete", args=[initiative.pk]))
    allowed = role in ALLOWED
    assert (change.status_code == 200) is allowed
    change_url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    assert (change_url.encode() in listing.content) is allowed
    assert (b"Proposition priv" in proposals.content) is allowed
    assert (delete.status_code == 200) is (role == "admin")  # only an administrator purges
    if not allowed:
        response = client.post(
            reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
            {"title": "Pris en main", "expected_version": initiative.version},
        )
        assert response.status_code in (302, 403)
        assert Initiative.objects.get(pk=initiative.pk).title != "Pris en main"


def test_the_national_team_manages_centres_and_themes_in_the_admin(client, people):
    client_for(client, people, "national")
    assert client.get(reverse("admin:network_centre_changelist")).status_code == 200
    assert client.get(reverse("admin:initiatives_theme_changelist")).status_code == 200
    assert client.get(reverse("admin:network_membership_changelist")).status_code == 200
    people.member.is_staff = True
    people.member.save()
    client_for(client, people, "member")
    assert client.get(reverse("admin:network_centre_changelist")).status_code == 403
