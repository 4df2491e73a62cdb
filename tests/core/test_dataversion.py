"""The public data version: moved by the domain services inside their transaction, read
cheaply, and left alone by a failed write."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from pepites.core import dataversion
from pepites.initiatives.services import update_initiative
from tests.initiatives.helpers import new_initiative

pytestmark = pytest.mark.django_db


def test_bump_moves_the_counter_and_current_sees_it_at_once(settings):
    settings.DATA_VERSION_SECONDS = 3600  # remembered: only bump() makes it read again
    before = dataversion.current()
    assert dataversion.current() == before
    dataversion.bump()
    assert dataversion.current() > before


def test_a_named_counter_starts_at_zero():
    assert dataversion.current("ressources") == 0
    dataversion.bump("ressources")
    assert dataversion.current("ressources") > 0


def test_initiative_writes_move_the_version(reference_data):
    before = dataversion.current()
    initiative = new_initiative()
    created = dataversion.current()
    assert created > before
    update_initiative(initiative=initiative, expected_version=initiative.version, title="Autre")
    assert dataversion.current() > created


def test_a_failed_write_leaves_the_version(reference_data):
    before = dataversion.current()
    with pytest.raises(ValidationError), transaction.atomic():
        new_initiative(commune_code="00000")
    assert dataversion.current() == before


def test_the_code_version_is_stable_and_short():
    assert dataversion.code_version() == dataversion.code_version()
    assert len(dataversion.code_version()) == 12
