"""The agenda in a browser, keyboard only: a visitor finds an event, registers, confirms by
the e-mail link, sees the connection link, adds the event to their calendar and cancels;
axe finds no violation on any page of the agenda, public or in the workspace."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.events.demo import load_demo_events
from pepites.events.models import Event, Registration, RegistrationStatus
from pepites.network.memberships import add_member
from pepites.network.models import Centre
from tests.conftest import load_sample_reference_data
from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEBINAR = "Webinaire : financer un commerce de proximité en quartier prioritaire"


@pytest.fixture
def agenda(settings):
    load_sample_reference_data()
    settings.PROPOSAL_MIN_FILL_SECONDS = 1
    assert load_demo_events() == 6
    member = User.objects.create_user("membre.labo", "membre.labo@example.org")
    add_member(user=member, centre=Centre.objects.get(slug="labo-cites"))
    return member


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"never reached {selector} with Tab")


def no_violation(page, name: str, artifacts_dir) -> None:
    violations = axe_violations(page)
    page.screenshot(path=str(artifacts_dir / f"agenda-{name}.png"), full_page=True)
    assert violations == [], (name, violations)


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path


def test_register_confirm_and_cancel_keyboard_only(
    live_server, page, agenda, artifacts_dir, console_errors
):
    webinar = Event.objects.get(title=WEBINAR)
    page.goto(live_server.url + "/agenda/")
    no_violation(page, "list", artifacts_dir)
    assert page.get_by_text("heure de La Réunion").first.is_visible()
    tab_to(page, f'a[href="/agenda/{webinar.slug}/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/agenda/{webinar.slug}/")
    no_violation(page, "event", artifacts_dir)
    assert webinar.online_url not in page.content()

    page.wait_for_timeout(1100)  # a person's pace (PROPOSAL_MIN_FILL_SECONDS)
    tab_to(page, "#id_name")
    page.keyboard.type("Awa Diallo")
    tab_to(page, "#id_email")
    page.keyboard.type("awa@example.net")
    tab_to(page, "#id_organisation")
    page.keyboard.type("Ville de Saint-Denis")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "form[action$='/inscription/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inscription/merci/")
    assert "awa@example.net" in page.locator("main").inner_text()
    no_violation(page, "registered", artifacts_dir)

    run_jobs()
    [message] = [m for m in mail.outbox if "awa@example.net" in m.to]
    link = re.search(r"https?://\S+/agenda/inscription/\S+/", message.body).group(0)
    page.goto(live_server.url + local_path(link))
    no_violation(page, "registration-pending", artifacts_dir)
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.body.innerText.includes('Inscription confirmée')")
    assert page.get_by_role("link", name=webinar.online_url).is_visible()
    no_violation(page, "registration-confirmed", artifacts_dir)
    registration = Registration.objects.get(email="awa@example.net")
    assert registration.status == RegistrationStatus.CONFIRMED

    tab_to(page, "a[href$='/annuler/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/annuler/")
    no_violation(page, "cancel", artifacts_dir)
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.body.innerText.includes('Votre inscription est annulée')"
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert console_errors == []


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_every_agenda_page_passes_axe(live_server, page, agenda, artifacts_dir, console_errors):
    past = Event.objects.filter(attachments__isnull=False).first()
    page.goto(live_server.url + "/agenda/passes/")
    no_violation(page, "past", artifacts_dir)
    page.goto(live_server.url + f"/agenda/{past.slug}/")
    assert page.get_by_text("Replay").first.is_visible()
    no_violation(page, "past-event", artifacts_dir)
    page.goto(live_server.url + "/agenda/?type=bal-masque")  # a stale filter, said
    no_violation(page, "list-filter-error", artifacts_dir)
    page.goto(live_server.url + "/centres/labo-cites/")
    assert page.get_by_role("heading", name="Les prochains événements du centre").is_visible()
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", name="Les prochains événements du réseau").is_visible()
    no_violation(page, "home", artifacts_dir)
    console_errors.clear()  # the map's tiles come from outside, refused in these tests

    sign_in(page, live_server, agenda)
    webinar = Event.objects.get(title=WEBINAR)
    for name, path in [
        ("workspace-list", "/espace/agenda/"),
        ("workspace-new", "/espace/agenda/nouveau/"),
        ("workspace-edit", f"/espace/agenda/{webinar.pk}/"),
        ("workspace-registrations", f"/espace/agenda/{webinar.pk}/inscriptions/"),
        ("workspace-history", f"/espace/agenda/{webinar.pk}/historique/"),
    ]:
        page.goto(live_server.url + path)
        no_violation(page, name, artifacts_dir)
    # The form's errors, sent with the keyboard, are read first.
    page.goto(live_server.url + "/espace/agenda/nouveau/")
    tab_to(page, ".form button[type=submit]", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'erreurs'"
    )
    no_violation(page, "workspace-form-errors", artifacts_dir)
    # The form sent back with its errors answers 400, which the browser notes; nothing else.
    assert [e for e in console_errors if "status of 400" not in e] == []
