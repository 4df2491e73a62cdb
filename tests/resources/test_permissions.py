"""Who may do what with resources: role × action, as for initiatives."""

import pytest
from django.contrib.auth.models import AnonymousUser

from pepites.resources import permissions
from tests.resources.helpers import make_resource

pytestmark = pytest.mark.django_db

# role -> (create for PB, edit PB's resource, edit Labo Cités' resource, history of PB's)
EXPECTED = {
    "visitor": (False, False, False, False),
    "outsider": (False, False, False, False),
    "member": (True, True, False, True),
    "manager": (True, True, False, True),
    "other_member": (False, False, True, False),
    "national": (True, True, True, True),
    "admin": (True, True, True, True),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_role_by_action(people, role):
    user = AnonymousUser() if role == "visitor" else getattr(people, role)
    pb_resource = make_resource(data=None, external_url="https://example.org/pb")
    labo_resource = make_resource(
        data=None, external_url="https://example.org/labo", centre_slug="labo-cites"
    )
    got = (
        permissions.can_create_resource(user, centre_ids=[people.pb.pk]),
        permissions.can_edit_resource(user, pb_resource),
        permissions.can_edit_resource(user, labo_resource),
        permissions.can_view_resource_history(user, pb_resource),
    )
    assert got == EXPECTED[role]
    assert user.has_perm("resources.change_resource", pb_resource) == EXPECTED[role][1]
    editable = set(permissions.editable_resources(user))
    assert (pb_resource in editable) == EXPECTED[role][1]
    assert (labo_resource in editable) == EXPECTED[role][2]
