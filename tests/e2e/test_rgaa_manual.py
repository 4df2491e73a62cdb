"""What axe does not check, checked by hand once and kept here (the accessibility statement,
docs/accessibilite.md, reports it): reflow at 320 CSS pixels and at 200 % zoom (RGAA 10.11,
10.4), text spacing (RGAA 10.12) and the announcements of counts and map updates (RGAA 7.5)."""

import pytest

from pepites.initiatives.models import Initiative
from tests.e2e.conftest import _new_page
from tests.e2e.map_helpers import SAMPLES, load_map_samples, wait_for_map

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/initiatives/{slug}/",
    "/thematiques/",
    "/centres/",
    "/centres/profession-banlieue/",
    "/quartiers/",
    "/proposer/",
    "/publications/",
    "/donnees/",
    "/compte/connexion/",
]

# WCAG 1.4.12's values: nothing may be cut off or overlap with them.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth - window.innerWidth"
# What sticks out on the right, to say where in a failure.
WIDEST = """() => {
  const contained = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !contained(el))
    .map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.')
         + ' « ' + el.textContent.trim().slice(0, 40) + ' »').slice(0, 4);
}"""

# Text clipped by a box that hides its overflow (the map and what is hidden from everyone
# excepted: the honeypot field).
CLIPPED = """() => [...document.querySelectorAll('body *')].filter((el) => {
  if (el.closest('.leaflet-container, [aria-hidden="true"]') || !el.textContent.trim()) return false;
  const style = getComputedStyle(el);
  const hides = (v) => v === 'hidden' || v === 'clip';
  if (!hides(style.overflowX) && !hides(style.overflowY)) return false;
  if (el.classList.contains('visually-hidden') || el.classList.contains('skip-link')) return false;
  return el.scrollWidth > el.clientWidth + 2 || el.scrollHeight > el.clientHeight + 2;
}).map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.')).slice(0, 5)"""


def urls(live_server) -> list[str]:
    slug = Initiative.objects.order_by("pk").values_list("slug", flat=True).first()
    return [live_server.url + path.format(slug=slug) for path in PAGES]


@pytest.mark.parametrize(
    "viewport",
    [
        {"width": 320, "height": 640},  # reflow: a 1280 px screen at 400 %
        {"width": 683, "height": 384},  # 200 % zoom of a 1366 × 768 screen
    ],
    ids=["320px", "zoom-200"],
)
def test_pages_reflow_without_horizontal_scrolling(live_server, browser, viewport):
    load_map_samples()
    errors: list[str] = []
    context, page = _new_page(browser, errors, viewport=viewport)
    try:
        for url in urls(live_server):
            page.goto(url)
            assert page.evaluate(HORIZONTAL_SCROLL) <= 1, (url, page.evaluate(WIDEST))
            assert page.locator("h1").first.is_visible(), url
    finally:
        context.close()


def test_text_spacing_cuts_nothing_off(live_server, browser):
    load_map_samples()
    errors: list[str] = []
    # As a reader's style sheet (a browser extension) would: above the site's CSP.
    context, page = _new_page(
        browser, errors, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    try:
        for url in urls(live_server):
            page.goto(url)
            page.add_style_tag(content=TEXT_SPACING)
            assert page.evaluate(CLIPPED) == [], url
            assert page.evaluate(HORIZONTAL_SCROLL) <= 1, url
    finally:
        context.close()


def test_counts_and_map_updates_are_announced(live_server, page):
    load_map_samples()
    page.goto(live_server.url + "/")
    wait_for_map(page)
    count = page.locator("#compte")
    assert count.get_attribute("role") == "status" and count.get_attribute("aria-live") == "polite"
    assert count.get_attribute("aria-atomic") == "true"
    page.get_by_text("Thématiques, territoire, centre, QPV").click()
    page.get_by_label("Mobilité").check()
    page.wait_for_function("() => document.querySelector('#compte').textContent.startsWith('2 ')")
    # The map's status line is a live region too, and says what the map shows.
    status = page.locator("[data-map-status]")
    assert status.get_attribute("role") == "status"
    assert len(SAMPLES) > 2
