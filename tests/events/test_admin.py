"""The agenda in the admin: read only, for the national team."""

import pytest

from tests.events.helpers import new_event, sign_up

pytestmark = pytest.mark.django_db


def test_the_national_team_reads_events_and_registrations_without_changing_them(client, people):
    event = new_event()
    registration = sign_up(event, 1)
    client.force_login(people.national)
    assert client.get("/admin/events/event/").status_code == 200
    page = client.get(f"/admin/events/registration/{registration.pk}/change/")
    assert page.status_code == 200 and registration.token not in page.content.decode()
    assert client.get("/admin/events/event/add/").status_code == 403
    client.force_login(people.member)
    assert client.get("/admin/events/event/").status_code in (302, 403)
