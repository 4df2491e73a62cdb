"""The dashboard's tally of the requests, kept by the services, equals its rebuild from
the requests after any sequence of service calls."""

import random
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from pepites.essaimage.models import InspirationRequest, InspirationRequestTally, RequestStatus
from pepites.essaimage.services import (
    add_note,
    mark_reproduced,
    rebuild_impact_tally,
    set_status,
    submit_request,
)
from pepites.insights.impact import ImpactFilters, impact
from tests.essaimage.helpers import initiative, request_data

pytestmark = pytest.mark.django_db


def _tally() -> set[tuple]:
    return set(
        InspirationRequestTally.objects.exclude(requests=0, demo=0, answered=0).values_list(
            "month",
            "scope_centre",
            "scope_theme",
            "facet",
            "facet_key",
            "requests",
            "demo",
            "answered",
        )
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_services_keep_the_tally_equal_to_a_rebuild(people, settings, seed):
    settings.ESSAIMAGE_REQUESTS_PER_HOUR = 1000
    rng = random.Random(seed)
    sources = [
        initiative(),
        initiative(title="Jardin partagé de Lyon", commune="69123"),
        initiative(title="Recyclerie de Lille", commune="59350"),
    ]
    communes = ["56121", "93048", "69388", "13055", "75119", "93066"]
    start = timezone.make_aware(datetime(2025, 1, 30, 22))
    requests = []
    for step in range(40):
        now = start + timedelta(days=step * 3, hours=rng.randint(0, 23))
        action = rng.choice(["ask", "ask", "status", "note", "reproduce"]) if requests else "ask"
        if action == "ask":
            requests.append(
                submit_request(
                    initiative=rng.choice(sources),
                    data=request_data(
                        requester_email=f"d{step}@exemple.invalid",
                        commune_code=rng.choice(communes),
                    ),
                    consent=True,
                    ip=f"10.1.0.{step}",
                    now=now,
                )
            )
            continue
        # A copy of the row as a view would load it: the services read what is stored.
        request = InspirationRequest.objects.get(pk=rng.choice(requests).pk)
        if action == "status":
            status = rng.choice([s for s in RequestStatus.values if s != RequestStatus.REPRODUCED])
            set_status(request=request, status=status, user=people.national, reason="Non", now=now)
        elif action == "note":
            add_note(request=request, user=people.national, body="Appel fait.", now=now)
        else:
            copy = initiative(title=f"Reproduction {step}", commune=rng.choice(communes))
            mark_reproduced(request=request, reproduction=copy, user=people.national, now=now)
    kept = _tally()
    figures = impact(filters=ImpactFilters(start=start.date() + timedelta(days=5)))
    assert kept and figures.total > 0
    rebuild_impact_tally()
    assert _tally() == kept
    assert impact(filters=ImpactFilters(start=start.date() + timedelta(days=5))) == figures


def test_the_command_rebuilds_a_stale_tally(people):
    request = submit_request(
        initiative=initiative(), data=request_data(), consent=True, ip="10.2.0.1"
    )
    InspirationRequest.objects.filter(pk=request.pk).update(status=RequestStatus.DROPPED)
    assert impact(filters=ImpactFilters()).by_status[-1][1] == 0
    call_command("rebuild_impact_tally", stdout=__import__("io").StringIO())
    figures = impact(filters=ImpactFilters())
    assert (figures.total, figures.by_status[-1][1]) == (1, 1)
