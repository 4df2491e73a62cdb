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

`RevalidationFastPath` (config/wsgi.py) answers those revalidations before Django's
middleware stack, at about the cost of the map data's 304 (the `pages` benchmark).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve

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


def public_etag(version: int | None = None) -> str:
    if version is None:
        version = dataversion.current()
    return f'"{dataversion.code_version()}-{version}"'


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
        # One language: Accept-Language changes nothing; what else varies stays.
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        kept = [v for v in vary if v.lower() not in ("cookie", "accept-language")]
        response["Vary"] = ", ".join(["Cookie", *kept])
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


@functools.lru_cache(maxsize=4096)
def _shared_path(path: str) -> bool:
    try:
        return bool(getattr(resolve(path).func, "shared_cache", False))
    except Resolver404:
        return False


def _personal_cookie(header: str) -> bool:
    names = {part.split("=", 1)[0].strip() for part in header.split(";")}
    return settings.SESSION_COOKIE_NAME in names or "messages" in names


def _current_etag() -> str:
    """The public ETag from outside Django's request cycle: connections are checked before
    and after, as Django does around a request (the version is mostly remembered)."""
    version = dataversion.remembered()
    if version is not None:  # most revalidations: no database, no connection to check
        return public_etag(version)
    close_old_connections()
    try:
        return public_etag()
    finally:
        close_old_connections()


class RevalidationFastPath:
    """WSGI middleware: a GET/HEAD of a `@shared_cache` page with the current ETag in
    If-None-Match and no session or messages cookie gets its 304 here; everything else
    goes to `app`. The 304 carries ETag, Cache-Control and Vary, as the middleware's."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if (
            if_none_match
            and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and not _personal_cookie(environ.get("HTTP_COOKIE", ""))
            and _shared_path(environ.get("PATH_INFO", ""))
        ):
            etag = _current_etag()
            if etag_matches(if_none_match, etag):
                start_response(
                    "304 Not Modified",
                    [("ETag", etag), ("Cache-Control", shared_cache_control()), ("Vary", "Cookie")],
                )
                return []
        return self.app(environ, start_response)
