"""Demonstration organisations and harvested source: marked as such, a merge to try, a
closed porteur, and differences that, once accepted, are demonstration initiatives."""

import io

import pytest
from django.core.management import call_command

from pepites.initiatives import porteurs
from pepites.initiatives.demo_porteurs import with_luhn_key
from pepites.initiatives.harvest import services
from pepites.initiatives.harvest.models import HarvestSource
from pepites.initiatives.models import Initiative
from pepites.organisations.models import Organisation
from pepites.organisations.validators import siret_problem

pytestmark = pytest.mark.django_db


def test_demo_organisations_and_harvested_source(full_reference_data, people):
    call_command("demo", "--if-empty", stdout=io.StringIO())
    with_siret = Organisation.objects.exclude(siret="")
    assert with_siret.count() == 4
    assert all(o.is_demo and siret_problem(o.siret) == "" for o in with_siret)
    assert Organisation.objects.filter(is_demo=False).count() == 0
    assert Organisation.objects.filter(administrative_state="F").count() == 1
    assert len(porteurs.merge_proposals()) == 1
    source = HarvestSource.objects.get()
    assert source.is_demo and source.pending_diff["new"]
    assert services.harvest_due_sources() == {}  # never fetched
    before = Initiative.objects.count()
    assert services.accept_pending(source=source, user=people.member)
    created = Initiative.objects.order_by("-pk")[: Initiative.objects.count() - before]
    assert len(created) == 2 and all(i.is_demo for i in created)


def test_luhn_key():
    assert siret_problem(with_luhn_key("7328293200007")) == ""
