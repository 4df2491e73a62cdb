"""Anonymous public pages that a shared cache (nginx, a CDN) may keep and revalidate.

A view marked `@shared_cache` answers a visitor who has not logged in or posted (no
session or messages cookie) with

- a strong ETag: the public data version and the code version (pepites/core/dataversion.py),
  the same on every app server; a matching If-None-Match gets a 304 before the view runs
  (the data version is one indexed read, often none: it is remembered a second);
- `Cache-Control: public, max-age=0, s-maxage=SHARED_CACHE_SECONDS,
  stale-while-revalidate=SHARED_CACHE_STALE_SECONDS`: browsers revalidate at each visit,
  shared caches keep the page a few seconds;
- `Vary: Cookie` only (one language: Accept-Language changes nothing), and no cookie at all:
  a page that sets one (or an error) is made private instead of being shared.

The Content-Security-Policy of such a page holds the sha256 hashes of its inline elements
instead of a per-request nonce (see pepites/web/templatetags/pepites_csp.py): the bytes
are the same for every visitor, so a nonce would either break the cache or be shared by
everyone; hashes keep the policy as strict (only these exact elements run).

Visitors with a session (logged in, or who posted a form) get `private, no-cache` pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from pepites.core import dataversion

PRIVATE = "private, no-cache"
_STATE = "_shared_cache_etag"


def shared_cache(view: Callable) -> Callable:
    """Mark a GET view whose anonymous answer depends only on the URL and the public data."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, *args, **kwargs)

    wrapper.shared_cache = True
    return wrapper


def is_personal(request: HttpRequest) -> bool:
    """A visitor with a session (logged in, or after posting) or messages waiting."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def public_etag() -> str:
    return f'"{dataversion.code_version()}-{dataversion.current()}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    candidates = [value.strip() for value in if_none_match.split(",")]
    return "*" in candidates or etag in candidates or f"W/{etag}" in candidates


def shared_cache_control() -> str:
    return (
        f"public, max-age=0, s-maxage={settings.SHARED_CACHE_SECONDS}, "
        f"stale-while-revalidate={settings.SHARED_CACHE_STALE_SECONDS}"
    )


class SharedCacheMiddleware:
    """Answers the revalidations of `@shared_cache` views and sets their caching headers.
    Placed before the session, locale and message middleware: it has the last word on
    the headers they add."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        etag = getattr(request, _STATE, None)
        if etag is None:
            return response
        if etag == PRIVATE:
            response["Cache-Control"] = PRIVATE
            return response
        if response.status_code not in (200, 304) or response.cookies:
            response["Cache-Control"] = PRIVATE
            return response
        response["ETag"] = etag
        response["Cache-Control"] = shared_cache_control()
        response["Vary"] = "Cookie"
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not getattr(view_func, "shared_cache", False) or request.method not in ("GET", "HEAD"):
            return None
        if is_personal(request):
            setattr(request, _STATE, PRIVATE)
            return None
        etag = public_etag()
        setattr(request, _STATE, etag)
        if etag_matches(request.headers.get("If-None-Match", ""), etag):
            return HttpResponseNotModified()
        request.csp_hashes = {"script-src": set(), "style-src": set()}
        return None
