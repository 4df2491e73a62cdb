"""Memberships and invitations of the centres."""

import pytest
from django.core.exceptions import ValidationError

from pepites.network.memberships import (
    accept_invitation,
    add_member,
    invite_member,
    notification_emails,
    remove_member,
)
from pepites.network.models import Invitation, Membership
from pepites.network.permissions import can_invite, can_remove_member
from pepites.network.roles import centres_of, is_centre_manager, is_centre_member


def test_roles_of_members(people):
    assert is_centre_member(people.member, people.pb) and not is_centre_manager(
        people.member, people.pb
    )
    assert is_centre_manager(people.manager, people.pb)
    membership = add_member(user=people.member, centre=people.pb, role=Membership.Role.MANAGER)
    assert (
        membership.role == Membership.Role.MANAGER
        and Membership.objects.filter(user=people.member).count() == 1
    )
    remove_member(membership=membership)
    assert not is_centre_member(people.member, people.pb)
    assert list(centres_of(people.member)) == []


def test_who_may_invite_and_remove(people):
    assert can_invite(people.member, people.pb)
    assert not can_invite(people.member, people.pb, role=Membership.Role.MANAGER)
    assert can_invite(people.manager, people.pb, role=Membership.Role.MANAGER)
    assert not can_invite(people.other_member, people.pb)
    assert can_invite(people.national, people.labo, role=Membership.Role.MANAGER)
    member = Membership.objects.get(user=people.member)
    assert can_remove_member(people.manager, member) and can_remove_member(people.national, member)
    assert not can_remove_member(people.member, Membership.objects.get(user=people.manager))
    assert not can_remove_member(people.other_member, member)


def test_invitation_rules(people):
    with pytest.raises(ValidationError) as error:
        invite_member(centre=people.pb, email="pas une adresse", invited_by=people.member)
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError, match="déjà membre"):
        invite_member(centre=people.pb, email="MEMBRE.PB@example.org", invited_by=people.manager)
    sent = invite_member(centre=people.pb, email="x@example.org", invited_by=people.member)
    accept_invitation(invitation=sent.invitation, password="Solide-mot-2025")
    with pytest.raises(ValidationError, match="déjà été utilisée"):
        accept_invitation(
            invitation=Invitation.objects.get(pk=sent.invitation.pk), password="Solide-mot-2025"
        )


def test_who_hears_of_a_proposal(people):
    assert notification_emails(centre=people.pb) == [
        "membre.pb@example.org",
        "responsable.pb@example.org",
    ]
    assert notification_emails(centre=None) == ["nationale@example.org"]
    # A centre nobody has joined yet: the national team, so that nothing waits unseen.
    from pepites.network.models import Centre

    assert notification_emails(centre=Centre.objects.get(slug="oriv")) == ["nationale@example.org"]
