"""Every role × every action of pepites/initiatives/permissions.py (the functions the HTML
views, the admin and the future API call), and the same answers through `has_perm`."""

import pytest
from django.contrib.auth.models import AnonymousUser

from pepites.initiatives import permissions
from pepites.initiatives.models import ProposalStatus
from pepites.network.roles import centres_of, is_centre_member
from tests.contrib_helpers import propose
from tests.initiatives.helpers import new_initiative

ROLES = ["visitor", "outsider", "member", "manager", "other_member", "national", "admin"]
# Who acts for Profession Banlieue's initiatives and proposals, and for the uncovered ones.
FOR_PB = {"member", "manager", "national", "admin"}
FOR_UNCOVERED = {"national", "admin"}
OBJECT_ACTIONS = [
    permissions.can_edit_initiative,
    permissions.can_publish_initiative,
    permissions.can_archive_initiative,
    permissions.can_view_history,
]


def who(people, role):
    return AnonymousUser() if role == "visitor" else getattr(people, role)


@pytest.fixture
def pb_initiative(people):
    return new_initiative(commune_code="93066")  # referred to Profession Banlieue


@pytest.fixture
def uncovered_initiative(people):
    return new_initiative(title="Une initiative à Melun", commune_code="77288")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", OBJECT_ACTIONS, ids=lambda f: f.__name__)
def test_initiative_actions_by_role(people, pb_initiative, uncovered_initiative, role, action):
    user = who(people, role)
    assert pb_initiative.centre == people.pb
    assert uncovered_initiative.centre is None
    assert action(user, pb_initiative) is (role in FOR_PB)
    assert action(user, uncovered_initiative) is (role in FOR_UNCOVERED)


@pytest.mark.parametrize("role", ROLES)
def test_create_by_role(people, role):
    user = who(people, role)
    assert permissions.can_create_initiative(user, centre=people.pb) is (role in FOR_PB)
    assert permissions.can_create_initiative(user, centre=None) is (role in FOR_UNCOVERED)
    other_ok = role in {"other_member", "national", "admin"}
    assert permissions.can_create_initiative(user, centre=people.labo) is other_ok


@pytest.mark.parametrize("role", ROLES)
def test_moderation_by_role(people, role):
    user = who(people, role)
    pb_proposal = propose(commune_code="93066", ip="1.1.1.1")
    uncovered = propose(commune_code="77288", title="À Melun", ip="1.1.1.2")
    assert pb_proposal.centre == people.pb and uncovered.centre is None
    assert permissions.can_moderate(user, pb_proposal) is (role in FOR_PB)
    assert permissions.can_moderate(user, uncovered) is (role in FOR_UNCOVERED)
    queue = set(permissions.moderation_queue(user))
    assert (pb_proposal in queue) is (role in FOR_PB)
    assert (uncovered in queue) is (role in FOR_UNCOVERED)


@pytest.mark.parametrize("role", ROLES)
def test_editable_initiatives_by_role(people, pb_initiative, uncovered_initiative, role):
    editable = set(permissions.editable_initiatives(who(people, role)))
    assert (pb_initiative in editable) is (role in FOR_PB)
    assert (uncovered_initiative in editable) is (role in FOR_UNCOVERED)


def test_queue_holds_only_pending_proposals(people):
    proposal = propose()
    proposal.status = ProposalStatus.REJECTED
    proposal.save()
    assert list(permissions.moderation_queue(people.member)) == []
    assert list(permissions.moderated_proposals(people.member)) == [proposal]


def test_an_inactive_account_can_do_nothing(people, pb_initiative):
    people.member.is_active = False
    people.member.save()
    assert not permissions.can_edit_initiative(people.member, pb_initiative)
    assert not permissions.editable_initiatives(people.member).exists()


@pytest.mark.parametrize("role", ROLES)
def test_has_perm_gives_the_same_answers(people, pb_initiative, role):
    """The rules registered with `rules`, for `user.has_perm(perm, obj)` (the API's object
    permissions)."""
    user = who(people, role)
    expected = role in FOR_PB
    for perm in (
        "initiatives.change_initiative",
        "initiatives.publish_initiative",
        "initiatives.archive_initiative",
        "initiatives.view_history_initiative",
    ):
        assert user.has_perm(perm, pb_initiative) is expected, perm
    proposal = propose(ip="1.1.1.9")
    assert user.has_perm("initiatives.change_proposal", proposal) is expected


def test_roles_helpers(people):
    assert list(centres_of(people.member)) == [people.pb]
    assert is_centre_member(people.member, people.pb)
    assert not is_centre_member(people.member, people.labo)
    assert not is_centre_member(AnonymousUser(), people.pb)
    assert list(centres_of(people.national)) == []
