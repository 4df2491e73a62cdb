"""The agenda's demonstration content: upcoming and past events, marked as such, created
once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pepites.events.demo import DEMO_EVENTS, load_demo_events
from pepites.events.models import Event

pytestmark = pytest.mark.django_db


def test_demo_events_upcoming_and_past_marked_and_created_once(client, reference_data):
    assert load_demo_events() == len(DEMO_EVENTS)
    assert load_demo_events() == 0
    events = list(Event.objects.all())
    assert all(e.is_demo and "exemple de démonstration" in e.summary for e in events)
    now = timezone.now()
    assert sum(e.starts_at > now for e in events) == 4
    assert sum(e.ends_at < now for e in events) == 2
    past = [e for e in events if e.ends_at < now]
    assert all(e.attachments.exists() for e in past)
    assert Event.objects.get(commune_id="97411").time_zone == "Indian/Reunion"
    upcoming = client.get(reverse("events:upcoming")).content.decode()
    assert upcoming.count("Exemple de démonstration") == 4
    assert "heure de La Réunion" in upcoming
    past_page = client.get(reverse("events:past")).content.decode()
    assert "Replay" in past_page
