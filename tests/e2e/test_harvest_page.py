"""The workspace's harvested maps in a real browser: the demonstration source's waiting
differences, accepted; axe finds no violation."""

import pytest
from django.conf import settings
from django.test import Client

from pepites.initiatives.demo_porteurs import load_demo_harvest_source
from pepites.initiatives.models import Initiative
from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_harvest_page_decision_and_axe(live_server, page, people, artifacts_dir):
    load_demo_harvest_source()
    client = Client()
    client.force_login(people.member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/espace/moissons/")
    assert page.get_by_role("heading", name="Différences à examiner").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "workspace-harvest.png"), full_page=True)
    page.get_by_role("button", name="Accepter", exact=True).click()
    page.wait_for_function("() => document.querySelector('.message--success') !== null")
    assert Initiative.objects.filter(is_demo=True).count() == 2
    assert axe_violations(page) == []
