"""Proposals and corrections from the public: routing, limits, moderation, duplicates."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from pepites.core.errors import ConflictError
from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.initiatives.contributions.duplicates import (
    duplicates_of_proposal,
    likely_duplicates,
    similarity,
)
from pepites.initiatives.contributions.moderation import (
    accept_proposal,
    merge_proposal,
    reject_proposal,
)
from pepites.initiatives.contributions.submission import RateLimited, submit_proposal
from pepites.initiatives.models import (
    Initiative,
    InitiativeStatus,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from pepites.initiatives.selectors import published_initiatives
from tests.contrib_helpers import new_proposal_data, propose
from tests.initiatives.helpers import new_initiative


def accept_fields(proposal, **overrides):
    data = proposal.data
    fields = {
        "title": data["title"],
        "summary": data["summary"],
        "porteur_name": data["porteur_name"],
        "commune_code": data["commune_code"],
        "theme_slugs": data["theme_slugs"],
        "status": InitiativeStatus.PUBLISHED,
    }
    fields.update(overrides)
    return fields


@pytest.mark.django_db(transaction=True)
def test_a_proposal_goes_to_the_centre_covering_the_commune(people):
    proposal = propose(commune_code="93066")
    assert proposal.centre == people.pb
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.ip_hash and "203.0.113.7" not in proposal.ip_hash
    # The proposer's confirmation, and the centre's members told (queued with the proposal).
    run_jobs()
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert ("habitante@example.net",) in by_recipient
    notice = next(m for m in mail.outbox if "membre.pb@example.org" in m.to)
    assert "responsable.pb@example.org" in notice.to
    assert "membre.labo@example.org" not in notice.to
    assert f"/espace/propositions/{proposal.pk}/" in notice.body


@pytest.mark.django_db(transaction=True)
def test_without_a_centre_the_national_team_gets_it(people):
    proposal = propose(commune_code="77288", title="Une épicerie à Melun")
    assert proposal.centre is None
    run_jobs()
    notice = next(m for m in mail.outbox if "nationale@example.org" in m.to)
    assert "Melun" in notice.body


def test_consent_and_email_are_required(people):
    with pytest.raises(ValidationError) as error:
        submit_proposal(
            kind=ProposalKind.NEW,
            data=new_proposal_data(),
            proposer_email="x@example.org",
            consent=False,
            ip="1.2.3.4",
        )
    assert "consent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        submit_proposal(
            kind=ProposalKind.NEW,
            data=new_proposal_data(),
            proposer_email="pas-une-adresse",
            consent=True,
            ip="1.2.3.4",
        )
    assert "proposer_email" in error.value.message_dict
    assert not Proposal.objects.exists()


def test_invalid_fields_are_named(people):
    with pytest.raises(ValidationError) as error:
        propose(title="", commune_code="99999", theme_slugs=["inconnue"], website="ftp://x")
    fields = error.value.message_dict
    assert {"title", "commune", "themes", "website"} <= set(fields)
    assert "Code officiel géographique" in fields["commune"][0]


def test_the_eleventh_proposal_of_the_hour_from_one_address_is_refused(people, settings):
    settings.PROPOSALS_PER_HOUR = 10
    for n in range(10):
        propose(title=f"Initiative {n}", email=f"p{n}@example.net", ip="198.51.100.1")
    with pytest.raises(RateLimited):
        propose(title="La onzième", email="autre@example.net", ip="198.51.100.1")
    assert Proposal.objects.count() == 10
    # Another address is not held back by the first.
    propose(title="D'ailleurs", email="ailleurs@example.net", ip="198.51.100.2")


def test_one_email_address_is_limited_too(people, settings):
    settings.PROPOSALS_PER_HOUR = 3
    for n in range(3):
        propose(title=f"Initiative {n}", ip=f"198.51.100.{n}")
    with pytest.raises(RateLimited):
        propose(title="Encore", ip="198.51.100.99")


def test_markdown_is_cleaned_on_input(people):
    proposal = propose(results="<script>alert(1)</script>Bien <img src=x onerror=alert(1)>")
    assert proposal.data["results"] == "Bien"


def test_accepting_creates_and_publishes_the_initiative(people):
    proposal = propose()
    initiative = accept_proposal(
        proposal=proposal,
        user=people.member,
        fields=accept_fields(proposal, centre_slug="profession-banlieue"),
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.initiative == initiative
    assert proposal.decided_by == people.member
    assert initiative in published_initiatives()
    record = initiative.history.get()
    assert record.history_user == people.member
    assert f"n°{proposal.pk}" in record.history_change_reason


def test_a_proposal_is_decided_once(people):
    proposal = propose()
    reject_proposal(proposal=proposal, user=people.member, reason="Hors sujet.")
    with pytest.raises(ValidationError, match="déjà été traitée"):
        accept_proposal(proposal=proposal, user=people.manager, fields=accept_fields(proposal))
    assert not Initiative.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rejecting_sends_the_reason_and_publishes_nothing(people):
    proposal = propose(title="Une idée refusée")
    run_jobs()
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        reject_proposal(proposal=proposal, user=people.member, reason="  ")
    reject_proposal(proposal=proposal, user=people.member, reason="Elle ne concerne pas un QPV.")
    run_jobs()
    assert [m.to for m in mail.outbox] == [["habitante@example.net"]]
    assert "Elle ne concerne pas un QPV." in mail.outbox[0].body
    assert not Initiative.objects.filter(title="Une idée refusée").exists()


def test_a_correction_is_routed_to_the_referent_centre_and_applied(people):
    initiative = new_initiative(status=InitiativeStatus.PUBLISHED)
    proposal = submit_proposal(
        kind=ProposalKind.CORRECTION,
        data={"summary": "Un résumé corrigé.", "title": initiative.title},
        proposer_email="lecteur@example.net",
        consent=True,
        ip="1.2.3.4",
        initiative=initiative,
    )
    assert proposal.centre == people.pb
    assert proposal.data == {"summary": "Un résumé corrigé."}  # only what differs
    assert proposal.base_version == initiative.version
    accept_proposal(
        proposal=proposal,
        user=people.member,
        fields={"summary": "Un résumé corrigé."},
        expected_version=initiative.version,
    )
    initiative.refresh_from_db()
    assert initiative.summary == "Un résumé corrigé."


def test_a_correction_needs_a_change_and_a_published_initiative(people):
    initiative = new_initiative(status=InitiativeStatus.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        submit_proposal(
            kind=ProposalKind.CORRECTION,
            data={"title": initiative.title},
            proposer_email="l@example.net",
            consent=True,
            ip="1.2.3.4",
            initiative=initiative,
        )
    assert "message" in error.value.message_dict
    draft = new_initiative(title="Brouillon")
    with pytest.raises(ValidationError):
        submit_proposal(
            kind=ProposalKind.CORRECTION,
            data={"summary": "x"},
            proposer_email="l@example.net",
            consent=True,
            ip="1.2.3.4",
            initiative=draft,
        )


def test_accepting_a_correction_read_before_another_save_is_a_conflict(people):
    initiative = new_initiative(status=InitiativeStatus.PUBLISHED)
    proposal = submit_proposal(
        kind=ProposalKind.CORRECTION,
        data={"summary": "Version du public."},
        proposer_email="l@example.net",
        consent=True,
        ip="1.2.3.4",
        initiative=initiative,
    )
    read_version = initiative.version
    other = Initiative.objects.get(pk=initiative.pk)
    from pepites.initiatives.services import update_initiative

    update_initiative(initiative=other, expected_version=read_version, summary="Autre résumé.")
    with pytest.raises(ConflictError):
        accept_proposal(
            proposal=proposal,
            user=people.member,
            fields={"summary": "Version du public."},
            expected_version=read_version,
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING  # nothing written, still to decide


def test_merging_into_an_existing_initiative(people):
    existing = new_initiative(
        title="Fabrique à entreprendre Saint-Denis",
        summary="Ancien résumé.",
        status=InitiativeStatus.PUBLISHED,
    )
    proposal = propose()
    merged = merge_proposal(
        proposal=proposal,
        target=existing,
        user=people.member,
        expected_version=existing.version,
        fields={"results": proposal.data["results"]},
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.MERGED
    assert proposal.initiative == existing
    assert merged.results == "Quarante entreprises créées en deux ans."
    assert Initiative.objects.count() == 1


def test_similarity_ignores_accents_case_and_punctuation():
    assert similarity("Épicerie solidaire", "epicerie SOLIDAIRE !") == 1.0
    assert similarity("La Fabrique à entreprendre", "Fabrique a entreprendre") > 0.8
    assert similarity("Garage solidaire", "Conciergerie de quartier") < 0.6


def test_likely_duplicates(people):
    same_title = new_initiative(
        title="La Fabrique à Entreprendre - Saint-Denis", commune_code="93048"
    )
    same_porteur = new_initiative(
        title="Tout autre chose", porteur_name="Asso. Entreprendre en Plaine", commune_code="93048"
    )
    same_commune = new_initiative(
        title="Un garage solidaire", porteur_name="Garage", commune_code="93066"
    )
    nearby = new_initiative(
        title="Une conciergerie",
        porteur_name="X",
        commune_code="93048",
        latitude=48.9362,
        longitude=2.3574,
    )
    far = new_initiative(
        title="Sans rapport", porteur_name="Y", commune_code="69123", latitude=45.76, longitude=4.83
    )
    proposal = propose()
    found = {d.initiative: d for d in duplicates_of_proposal(proposal=proposal, limit=10)}
    assert same_title in found and "titre proche" in found[same_title].reasons[0]
    assert same_porteur in found
    assert same_commune in found and found[same_commune].reasons == ["même commune"]
    assert far not in found
    assert next(iter(found)) == same_title  # best first
    near = likely_duplicates(title="Rien à voir", latitude=48.9365, longitude=2.3580)
    assert [d.initiative for d in near] == [nearby]
