"""Issue 12, point 7: the moderator's accept and merge are services that own their
transaction: a refusal of the rights or an error in the served QPV undoes the whole
decision (no initiative, no change, the proposal still pending)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pepites.initiatives.contributions.moderation import (
    accept_reviewed_proposal,
    merge_reviewed_proposal,
)
from pepites.initiatives.models import (
    Initiative,
    InitiativeStatus,
    Proposal,
    ProposalStatus,
)
from tests.contrib_helpers import propose
from tests.initiatives.helpers import new_initiative


def fields_of(proposal: Proposal, **overrides) -> dict:
    data = proposal.data
    return {
        "title": data["title"],
        "summary": data["summary"],
        "porteur_name": data["porteur_name"],
        "commune_code": data["commune_code"],
        "theme_slugs": data["theme_slugs"],
        "centre_slug": "profession-banlieue",
        "status": InitiativeStatus.PUBLISHED,
        **overrides,
    }


def still_pending(proposal: Proposal) -> bool:
    return Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PENDING


def test_accepting_with_served_qpv_in_one_transaction(people):
    proposal = propose()
    with pytest.raises(ValidationError) as excinfo:
        accept_reviewed_proposal(
            proposal=proposal,
            user=people.member,
            fields=fields_of(proposal),
            served_qpv_codes=["QN09399Z"],
        )
    assert "qpv" in excinfo.value.message_dict
    assert not Initiative.objects.exists() and still_pending(proposal)

    initiative = accept_reviewed_proposal(
        proposal=proposal, user=people.member, fields=fields_of(proposal)
    )
    assert initiative.status == InitiativeStatus.PUBLISHED
    assert not still_pending(proposal)


def test_accepting_checks_the_moderators_rights(people):
    proposal = propose()
    with pytest.raises(PermissionDenied):  # another centre's member
        accept_reviewed_proposal(
            proposal=proposal, user=people.other_member, fields=fields_of(proposal)
        )
    assert not Initiative.objects.exists() and still_pending(proposal)


def test_merging_with_served_qpv_in_one_transaction(people):
    target = new_initiative(title="Déjà là", centre_slug="profession-banlieue")
    proposal = propose()
    before = (target.version, target.summary)
    fields = {"summary": "Un résumé fusionné.", "status": target.status}
    with pytest.raises(ValidationError):
        merge_reviewed_proposal(
            proposal=proposal,
            target=target,
            user=people.member,
            expected_version=before[0],
            fields=fields,
            served_qpv_codes=["QN09399Z"],
        )
    stored = Initiative.objects.get(pk=target.pk)
    assert (stored.version, stored.summary) == before
    assert still_pending(proposal)

    with pytest.raises(PermissionDenied):  # another centre's member cannot publish it
        merge_reviewed_proposal(
            proposal=proposal,
            target=Initiative.objects.get(pk=target.pk),
            user=people.other_member,
            expected_version=before[0],
            fields={**fields, "status": InitiativeStatus.PUBLISHED},
        )
    assert still_pending(proposal)

    merged = merge_reviewed_proposal(
        proposal=proposal,
        target=Initiative.objects.get(pk=target.pk),
        user=people.member,
        expected_version=before[0],
        fields=fields,
    )
    assert merged.summary == "Un résumé fusionné."
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.MERGED
