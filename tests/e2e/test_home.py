"""The directory of the centres and the themes, moved from the home page to their own pages
(the home page is the map: tests/e2e/test_map.py)."""

import pytest

from tests.conftest import load_sample_reference_data
from tests.e2e.conftest import axe_violations
from tests.e2e.map_helpers import watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_centres_directory_shows_the_twenty_centres_and_passes_axe(live_server, page):
    load_sample_reference_data()
    errors = watch_console(page)
    page.goto(live_server.url + "/centres/")
    assert page.title().startswith("Les centres de ressources")
    assert page.locator(".centre-card").count() == 20
    assert page.get_by_text("En préfiguration").count() == 1  # Guadeloupe
    assert page.get_by_text("01 48 09 26 36").is_visible()
    # The network map: a point per département, drawn on a canvas.
    page.wait_for_selector("#carte canvas")
    assert axe_violations(page) == []
    assert errors == []


def test_themes_page_shows_the_ten_themes_and_passes_axe(live_server, page):
    load_sample_reference_data()
    errors = watch_console(page)
    page.goto(live_server.url + "/thematiques/")
    assert page.locator(".theme-card").count() == 10
    assert page.get_by_role("link", name="Mobilité").is_visible()
    assert axe_violations(page) == []
    assert errors == []


def test_keyboard_skip_link_and_phone_width(live_server, phone_page):
    load_sample_reference_data()
    phone_page.goto(live_server.url + "/centres/")
    phone_page.keyboard.press("Tab")
    skip = phone_page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("el => el === document.activeElement")
    # Nothing overflows horizontally on a phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
