"""Issue 12, point 7: the workspace's create and edit are services that check the user's
rights and own their transaction — a refusal or an error in the served QPV changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pepites.initiatives.editing import create_initiative_for_centre, save_initiative_edit
from pepites.initiatives.models import Initiative, InitiativeStatus
from tests.initiatives.helpers import initiative_input, new_initiative, stored


def fields(**overrides):
    values = initiative_input(**overrides)
    values.setdefault("status", InitiativeStatus.DRAFT)
    return values


def test_a_member_creates_for_their_centre_only(people):
    with pytest.raises(ValidationError) as refused:
        create_initiative_for_centre(
            user=people.other_member, fields=fields(centre_slug="profession-banlieue")
        )
    assert "centre" in refused.value.message_dict
    assert not Initiative.objects.exists()

    created = create_initiative_for_centre(
        user=people.member, fields=fields(centre_slug="profession-banlieue")
    )
    assert created.centre.slug == "profession-banlieue"


def test_a_bad_served_qpv_undoes_the_creation(people):
    with pytest.raises(ValidationError) as refused:
        create_initiative_for_centre(
            user=people.member,
            fields=fields(centre_slug="profession-banlieue"),
            served_qpv_codes=["QN09399Z"],
        )
    assert "qpv" in refused.value.message_dict
    assert not Initiative.objects.exists()


def test_an_edit_checks_the_status_right_and_the_new_centre(people):
    initiative = new_initiative(centre_slug="profession-banlieue")
    before = stored(initiative)
    with pytest.raises(PermissionDenied):
        save_initiative_edit(
            initiative=Initiative.objects.get(pk=initiative.pk),
            user=people.other_member,
            expected_version=initiative.version,
            fields={"status": InitiativeStatus.PUBLISHED, "title": "Autre titre"},
            centre_slug="profession-banlieue",
        )
    with pytest.raises(ValidationError) as moved:
        save_initiative_edit(
            initiative=Initiative.objects.get(pk=initiative.pk),
            user=people.member,
            expected_version=initiative.version,
            fields={"status": initiative.status, "title": "Autre titre"},
            centre_slug="labo-cites",
        )
    assert "centre" in moved.value.message_dict
    with pytest.raises(ValidationError):
        save_initiative_edit(
            initiative=Initiative.objects.get(pk=initiative.pk),
            user=people.member,
            expected_version=initiative.version,
            fields={"status": initiative.status, "title": "Autre titre"},
            centre_slug="profession-banlieue",
            served_qpv_codes=["QN09399Z"],
        )
    assert stored(initiative) == before

    saved = save_initiative_edit(
        initiative=Initiative.objects.get(pk=initiative.pk),
        user=people.member,
        expected_version=initiative.version,
        fields={"status": initiative.status, "title": "Autre titre"},
        centre_slug="profession-banlieue",
    )
    assert Initiative.objects.get(pk=saved.pk).title == "Autre titre"
