import pytest

from tests.conftest import load_sample_reference_data
from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_shows_centres_and_themes_and_passes_axe(
    live_server, page, artifacts_dir, console_errors
):
    load_sample_reference_data()
    page.goto(live_server.url + "/")
    assert page.title().startswith("Pépites")
    assert page.locator(".centre-card").count() == 20
    assert page.locator(".theme-card").count() == 10
    assert page.get_by_text("En préfiguration").is_visible()
    page.screenshot(path=str(artifacts_dir / "home-desktop.png"), full_page=True)
    assert axe_violations(page) == []
    assert console_errors == []


def test_home_keyboard_skip_link_and_phone_width(live_server, phone_page, artifacts_dir):
    load_sample_reference_data()
    phone_page.goto(live_server.url + "/")
    phone_page.keyboard.press("Tab")
    skip = phone_page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("el => el === document.activeElement")
    # Nothing overflows horizontally on a phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone_page.screenshot(path=str(artifacts_dir / "home-phone.png"), full_page=True)
