"""Error pages render with the database down (no query allowed here): the colour rules of
base.html fall back to nothing instead of breaking the page."""

from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory

from pepites.web.templatetags.pepites_csp import COLOUR_RULES_KEY


def test_without_the_database_the_colour_rules_are_empty():
    cache.delete(COLOUR_RULES_KEY)
    request = RequestFactory().get("/")
    request.csp_nonce = "abc"
    html = Template("{% load pepites_csp %}{% colour_styles %}").render(
        Context({"request": request})
    )
    assert html == '<style nonce="abc"></style>'
