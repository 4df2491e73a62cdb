"""The site's absolute address, for links that leave the page (share links, e-mails, feeds,
exports, PDF and their QR codes).

Production sets SITE_URL (config/settings.py refuses to start without it when it serves a
public host name). Otherwise — development, the embedded instance, tests — the address is
the one the current request came to, so that an instance on another port or host links to
itself; outside any request (a command, a job) it is DEFAULT_SITE_URL."""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
_request_base: ContextVar[str] = ContextVar("pepites_request_base", default="")


def request_base(request: HttpRequest) -> str:
    """scheme://host[:port] of the request (its Host header, checked against ALLOWED_HOSTS);
    "" for a host that is not served (its 400 page must still render)."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return ""


def site_url(request: HttpRequest | None = None) -> str:
    """The address of the site, without a trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None and (base := request_base(request)):
        return base
    return _request_base.get() or DEFAULT_SITE_URL


class RequestSiteMiddleware:
    """Remembers the current request's address for site_url() called without a request
    (domain code that builds links: e-mails, exports, PDF)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SITE_URL:
            return self.get_response(request)
        token = _request_base.set(request_base(request))
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
