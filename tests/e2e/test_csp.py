"""Every page type loads with the Content-Security-Policy on and without a single violation
reported by Chromium (console messages and `securitypolicyviolation` events)."""

import pytest
from django.conf import settings
from django.test import Client

from pepites.initiatives.models import Initiative
from pepites.network.models import Centre
from tests.e2e.map_helpers import load_map_samples
from tests.e2e.test_publications import load_demo as load_demo_publications_and_initiatives

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Recorded in the page before any of its own scripts runs.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def visit(page, url: str, console: list[str]) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    policy = response.headers["content-security-policy"]
    # A nonce per request, or (pages shared caches keep) the hashes of the inline elements.
    assert "script-src 'self' 'nonce-" in policy or (
        "nonce" not in policy and "public" in response.headers["cache-control"]
    )
    assert "unsafe" not in policy
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations")
    reported = [m for m in console if "Content Security Policy" in m]
    console.clear()
    return [f"{url}: {v}" for v in violations + reported]


def test_every_page_type_loads_without_a_csp_violation(live_server, page, people):
    load_map_samples()
    load_demo_publications_and_initiatives()
    initiative = Initiative.objects.filter(status="publiee").order_by("pk").first()
    centre = Centre.objects.get(slug="profession-banlieue")
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(LISTEN)
    base = live_server.url
    public = [
        "/",
        f"/initiatives/{initiative.slug}/",
        "/thematiques/",
        "/thematiques/mobilite/",
        "/centres/",
        f"/centres/{centre.slug}/",
        "/quartiers/",
        "/territoires/manques/",
        "/donnees/",
        "/proposer/",
        f"/initiatives/{initiative.slug}/corriger/",
        "/publications/",
        "/publications/eco-des-quartiers/1/",
        "/embed/?centre=profession-banlieue",
        "/compte/connexion/",
        "/admin/login/",
    ]
    violations = []
    for path in public:
        violations += visit(page, base + path, console)
    # The colours, once inline styles, still reach the page (nonced rules on data-colour).
    page.goto(base + "/thematiques/")
    card = page.locator(".theme-card").first
    expected = card.get_attribute("data-colour").lower()
    shown = card.evaluate("el => getComputedStyle(el).getPropertyValue('--theme-colour')")
    assert shown.strip().lower() == expected
    sign_in(page, live_server, people.member)
    for path in (
        "/espace/",
        "/espace/initiatives/nouvelle/",
        f"/espace/initiatives/{initiative.pk}/",
        "/espace/import/",
        "/espace/api/",
        "/compte/",
        "/compte/mot-de-passe/",
        "/compte/double-authentification/",
    ):
        violations += visit(page, base + path, console)
    sign_in(page, live_server, people.national)
    for path in ("/publications/edition/",):
        violations += visit(page, base + path, console)
    assert violations == []
