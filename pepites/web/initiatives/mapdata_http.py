"""Serving the map's data file: precompressed bytes, a strong ETag, and a very cheap 304.

The same answer comes from two places: a Django view (tests, the development server) and
`MapDataFastPath`, a WSGI wrapper that config/wsgi.py puts in front of Django so that the
application server answers this one URL without the middleware stack, from the bytes each
process keeps in memory (pepites/initiatives/mapstore.py). The file holds public data only (no session, no
cookie, no form), which is why skipping the middleware is safe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from pepites.initiatives.mapstore import MapDataUnavailable, Served, current_mapdata

PATH = "/carte/donnees.bin"
CONTENT_TYPE = "application/octet-stream"
# Always revalidate: a 304 costs almost nothing and the map is never stale.
CACHE_CONTROL = "public, no-cache"
# Nothing built yet and the first build failed: the map says it failed, the list of the
# page is still there.
UNAVAILABLE = "Données de la carte momentanément indisponibles.".encode()
UNAVAILABLE_HEADERS = (
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Retry-After", "60"),
    ("Cache-Control", "no-store"),
)


def choose_encoding(accept_encoding: str) -> str:
    """br, then gzip, then none, as the client accepts them (q=0 refuses one)."""
    accepted = set()
    for part in (accept_encoding or "").lower().split(","):
        name, _sep, params = part.strip().partition(";")
        params = params.replace(" ", "")
        if name and params not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            accepted.add(name)
    if "br" in accepted:
        return "br"
    if "gzip" in accepted or "*" in accepted:
        return "gzip"
    return "identity"


def etag_matches(if_none_match: str, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 asks for If-None-Match.
    candidates = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return etag in candidates


def answer(
    data: Served, *, accept_encoding: str, if_none_match: str
) -> tuple[int, list[tuple[str, str]], bytes | None]:
    """(status, headers, body or None) for a GET of the data file."""
    encoding = choose_encoding(accept_encoding)
    etag = data.etag(encoding)
    headers = [
        ("ETag", etag),
        ("Cache-Control", CACHE_CONTROL),
        ("Vary", "Accept-Encoding"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if etag_matches(if_none_match, etag):
        return 304, headers, None
    body = data.body(encoding)
    headers += [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))]
    if encoding != "identity":
        headers.append(("Content-Encoding", encoding))
    return 200, headers, body


def mapdata_view(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        data = current_mapdata()
    except MapDataUnavailable:
        return HttpResponse(UNAVAILABLE, status=503, headers=dict(UNAVAILABLE_HEADERS))
    status, headers, body = answer(
        data,
        accept_encoding=request.headers.get("Accept-Encoding", ""),
        if_none_match=request.headers.get("If-None-Match", ""),
    )
    response = HttpResponse(body or b"", status=status)
    for name, value in headers:
        response[name] = value
    return response


# --- The WSGI fast path ---------------------------------------------------------------------

_STATUS = {200: "200 OK", 304: "304 Not Modified"}


def serve_wsgi(environ: dict, start_response: Callable) -> Iterable[bytes]:
    method = environ.get("REQUEST_METHOD", "GET")
    if method not in ("GET", "HEAD"):
        start_response("405 Method Not Allowed", [("Allow", "GET, HEAD")])
        return [b""]
    try:
        data = current_mapdata(outside_request=True)
    except MapDataUnavailable:
        start_response("503 Service Unavailable", list(UNAVAILABLE_HEADERS))
        return [UNAVAILABLE]
    status, headers, body = answer(
        data,
        accept_encoding=environ.get("HTTP_ACCEPT_ENCODING", ""),
        if_none_match=environ.get("HTTP_IF_NONE_MATCH", ""),
    )
    if body is None or method == "HEAD":
        start_response(_STATUS[status], headers)
        return []
    start_response(_STATUS[status], headers)
    return [body]


class MapDataFastPath:
    """WSGI middleware answering GET/HEAD PATH itself and everything else through `app`."""

    def __init__(self, app: Callable, path: str = PATH) -> None:
        self.app = app
        self.path = path

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == self.path:
            return serve_wsgi(environ, start_response)
        return self.app(environ, start_response)
