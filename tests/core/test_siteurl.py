"""SITE_URL: required in production, otherwise the address of the request (issue 19)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from config.settings import check_site_url
from pepites.core.siteurl import DEFAULT_SITE_URL, RequestSiteMiddleware, site_url


def test_production_without_site_url_is_refused_in_french():
    with pytest.raises(ImproperlyConfigured, match="SITE_URL n'est pas défini"):
        check_site_url(site_url="", debug=False, allowed_hosts=["pepites.example"])
    with pytest.raises(ImproperlyConfigured, match="sans chemin"):
        check_site_url(site_url="pepites.example", debug=False, allowed_hosts=["*"])
    with pytest.raises(ImproperlyConfigured, match="sans chemin"):
        check_site_url(site_url="https://pepites.example/carte", debug=False, allowed_hosts=[])


def test_local_or_debug_instances_may_leave_it_unset():
    assert check_site_url(site_url="", debug=False, allowed_hosts=["127.0.0.1", "localhost"]) == ""
    assert check_site_url(site_url="", debug=True, allowed_hosts=["pepites.example"]) == ""
    assert (
        check_site_url(site_url=" https://pepites.example/ ", debug=False, allowed_hosts=["*"])
        == "https://pepites.example"
    )


def test_the_address_comes_from_the_request_when_unset(settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8765")
    assert site_url(request) == "http://127.0.0.1:8765"
    assert site_url() == DEFAULT_SITE_URL  # outside a request
    seen = []
    middleware = RequestSiteMiddleware(lambda r: seen.append(site_url()) or "ok")
    assert middleware(request) == "ok"
    assert seen == ["http://127.0.0.1:8765"]  # domain code called during the request
    assert site_url() == DEFAULT_SITE_URL
    settings.SITE_URL = "https://pepites.example"
    assert site_url(request) == "https://pepites.example"
