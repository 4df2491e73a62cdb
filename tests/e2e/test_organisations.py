"""The porteurs' pages in a real browser: an organisation's public page, the workspace's
porteurs page (merge proposals, closed porteurs) and an organisation's edit page; axe finds
no violation on any of them."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.organisations.models import Organisation
from tests.e2e.conftest import axe_violations
from tests.initiatives.helpers import new_initiative

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def published(people, **fields) -> Initiative:
    initiative = new_initiative(**fields)
    Initiative.objects.filter(pk=initiative.pk).update(
        status=InitiativeStatus.PUBLISHED, centre=people.pb, published_at=timezone.now()
    )
    return Initiative.objects.get(pk=initiative.pk)


def test_porteur_pages_and_merge_pass_axe(live_server, page, people, artifacts_dir):
    first = published(people, title="Jardins partagés", porteur_name="Les Jardins d'Émile")
    published(people, title="Marché solidaire", porteur_name="ASSO LES JARDINS D'EMILE")
    closed = published(people, title="Atelier vélo", porteur_name="Roues du Canal")
    Organisation.objects.filter(pk=closed.organisation_id).update(
        siret="41816609600069",
        legal_name="ROUES DU CANAL",
        administrative_state="F",
        closed_on=date(2025, 12, 31),
        looked_up_at=timezone.now(),
    )

    page.goto(f"{live_server.url}/organisations/{closed.organisation_id}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Roues du Canal"
    assert "fermé" in page.content()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "organisation-page.png"), full_page=True)

    sign_in(page, live_server, people.member)
    page.goto(f"{live_server.url}/espace/porteurs/")
    assert page.get_by_role("heading", name="Fusions proposées").is_visible()
    assert page.get_by_role("link", name="Atelier vélo").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "workspace-porteurs.png"), full_page=True)
    page.get_by_label("Les Jardins d'Émile").check()
    page.get_by_role("button", name="Fusionner sous le nom choisi").click()
    page.wait_for_function("() => document.querySelector('.message--success') !== null")
    assert "Organisations fusionnées" in page.locator(".message--success").inner_text()
    assert Organisation.objects.filter(name__icontains="jardins").count() == 1

    page.goto(f"{live_server.url}/espace/porteurs/{first.organisation_id}/")
    assert page.get_by_label("SIRET").is_visible()
    assert axe_violations(page) == []
