"""The essaimage's demonstration content: requests in every state, reproductions, marked."""

import pytest
from django.core.management import call_command

from pepites.essaimage.demo import load_demo_essaimage
from pepites.essaimage.models import InspirationRequest, RequestStatus
from pepites.initiatives.inspirations import essaimed_initiatives
from pepites.insights.impact import ImpactFilters, impact

pytestmark = pytest.mark.django_db


def test_demo_requests_in_every_state(full_reference_data):
    call_command("demo", stdout=__import__("io").StringIO())
    requests = InspirationRequest.objects.all()
    assert requests.exists() and not requests.filter(is_demo=False).exists()
    assert set(requests.values_list("status", flat=True)) == set(RequestStatus.values)
    assert all("démonstration" in r.requester_name for r in requests)
    assert essaimed_initiatives().exists()
    figures = impact(filters=ImpactFilters())
    assert figures.demo == figures.total > 0 and figures.reproductions > 0
    assert load_demo_essaimage() == 0  # once
