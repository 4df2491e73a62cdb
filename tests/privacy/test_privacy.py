"""RGPD duties: the retention job erases exactly what it should; a person downloads the data
held on them (what the register lists) and erases their account."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from pepites.accounts.models import ApiToken
from pepites.accounts.tokens import create_token
from pepites.audit.models import Action, AuditEntry
from pepites.initiatives.contributions.moderation import reject_proposal
from pepites.initiatives.models import Proposal
from pepites.network.models import Membership
from pepites.privacy.retention import run_retention
from tests.conftest import PASSWORD
from tests.contrib_helpers import propose

pytestmark = pytest.mark.django_db


def test_the_retention_job_erases_exactly_what_it_should(people, settings):
    settings.PROPOSAL_RETENTION_DAYS = 90
    settings.INACTIVE_ACCOUNT_DAYS = 730
    old, recent, pending = (
        propose(email=f"p{n}@example.net", title=f"Une proposition numéro {n}") for n in range(3)
    )
    for proposal in (old, recent):
        reject_proposal(proposal=proposal, user=people.manager, reason="Hors sujet.")
    Proposal.objects.filter(pk=old.pk).update(decided_at=timezone.now() - timedelta(days=91))
    long_ago = timezone.now() - timedelta(days=731)
    type(people.member).objects.filter(pk=people.other_member.pk).update(last_login=long_ago)
    type(people.member).objects.filter(pk=people.admin.pk).update(last_login=long_ago)

    counts = run_retention()

    assert counts["propositions_anonymisees"] == 1
    old.refresh_from_db()
    assert (old.proposer_email, old.proposer_name, old.message, old.ip_hash) == ("", "", "", "")
    assert old.data  # the proposed content itself is not personal data and stays
    for kept in (recent, pending):
        kept.refresh_from_db()
        assert kept.proposer_email.endswith("@example.net")
    people.other_member.refresh_from_db()
    people.admin.refresh_from_db()
    people.member.refresh_from_db()
    assert not people.other_member.is_active
    assert people.admin.is_active and people.member.is_active  # superusers are never locked out
    assert counts["comptes_desactives"] == 1
    assert run_retention()["propositions_anonymisees"] == 0  # nothing left to do


def test_a_person_downloads_the_data_held_on_them(client, people):
    create_token(user=people.member, name="site du centre")
    propose(email="membre.pb@example.org")
    client.force_login(people.member)
    page = client.get("/compte/").content.decode()
    assert "Télécharger les données" in page
    response = client.get("/compte/mes-donnees.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    # The sections of docs/donnees-personnelles.md's register.
    assert set(data) == {
        "compte",
        "centres",
        "invitations",
        "jetons_api",
        "propositions",
        "abonnements",
        "contact_d_initiatives",
        "journal",
    }
    assert data["compte"]["courriel"] == "membre.pb@example.org"
    assert data["centres"][0]["centre"] == "Profession Banlieue"
    assert data["jetons_api"][0]["nom"] == "site du centre"
    assert data["propositions"][0]["courriel"] == "membre.pb@example.org"
    assert (
        AuditEntry.objects.filter(action=Action.PERSONAL_EXPORT, actor=people.member).count() == 1
    )


def test_a_person_erases_their_account(client, people):
    create_token(user=people.member, name="site")
    client.force_login(people.member)
    wrong = client.post("/compte/effacement/", {"password": "faux"})
    assert wrong.status_code == 400 and "Mot de passe incorrect" in wrong.content.decode()
    response = client.post("/compte/effacement/", {"password": PASSWORD})
    assert response.status_code == 302
    people.member.refresh_from_db()
    assert (people.member.email, people.member.is_active) == ("", False)
    assert not people.member.has_usable_password()
    assert not Membership.objects.filter(user=people.member).exists()
    assert not ApiToken.objects.filter(user=people.member, revoked_at__isnull=True).exists()
    assert client.get("/espace/").status_code == 302  # signed out
