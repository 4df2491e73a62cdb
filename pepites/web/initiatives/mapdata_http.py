"""Serving the map's data file: precompressed bytes, a strong ETag, and a very cheap 304.

The same answer comes from two places: a Django view (tests, the development server) and
`MapDataFastPath`, a WSGI wrapper that config/wsgi.py puts in front of Django so that the
application server answers this one URL without the middleware stack, with sendfile when
the server offers `wsgi.file_wrapper`. The file holds public data only (no session, no
cookie, no form), which is why skipping the middleware is safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed

from pepites.initiatives.mapdata import (
    MapData,
    MapDataUnavailable,
    current_mapdata,
    ensure_built,
)

PATH = "/carte/donnees.bin"
CONTENT_TYPE = "application/octet-stream"
# Always revalidate: a 304 costs almost nothing and the map is never stale.
CACHE_CONTROL = "public, no-cache"
CHUNK = 256 * 1024
# Nothing built yet and nothing can be written (read-only or full disk): the map says it
# failed, the list of the page is still there.
UNAVAILABLE = "Données de la carte momentanément indisponibles.".encode()
UNAVAILABLE_HEADERS = (
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Retry-After", "60"),
    ("Cache-Control", "no-store"),
)

_sizes: dict[Path, int] = {}
_contents: dict[Path, bytes] = {}
_contents_lock = threading.Lock()


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


def _size(path: Path) -> int:
    size = _sizes.get(path)
    if size is None:
        size = _sizes[path] = path.stat().st_size
        if len(_sizes) > 32:
            _sizes.clear()
            _sizes[path] = size
    return size


def answer(
    data: MapData, *, accept_encoding: str, if_none_match: str
) -> tuple[int, list[tuple[str, str]], Path | None]:
    """(status, headers, file to send or None) for a GET of the data file."""
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
    path = data.path(encoding)
    headers += [("Content-Type", CONTENT_TYPE), ("Content-Length", str(_size(path)))]
    if encoding != "identity":
        headers.append(("Content-Encoding", encoding))
    return 200, headers, path


def mapdata_view(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        data = current_mapdata()
    except MapDataUnavailable:
        return HttpResponse(UNAVAILABLE, status=503, headers=dict(UNAVAILABLE_HEADERS))
    status, headers, path = answer(
        data,
        accept_encoding=request.headers.get("Accept-Encoding", ""),
        if_none_match=request.headers.get("If-None-Match", ""),
    )
    if path is None:
        response = HttpResponse(status=status)
    else:
        response = FileResponse(path.open("rb"), status=status)
    for name, value in headers:
        response[name] = value
    return response


# --- The WSGI fast path ---------------------------------------------------------------------

_STATUS = {200: "200 OK", 304: "304 Not Modified"}


def _contents_of(path: Path) -> bytes:
    """The file's bytes, kept in memory, for servers without wsgi.file_wrapper."""
    content = _contents.get(path)
    if content is None:
        with _contents_lock:
            content = path.read_bytes()
            if len(_contents) >= 6:
                _contents.clear()
            _contents[path] = content
    return content


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
    status, headers, path = answer(
        data,
        accept_encoding=environ.get("HTTP_ACCEPT_ENCODING", ""),
        if_none_match=environ.get("HTTP_IF_NONE_MATCH", ""),
    )
    if path is None or method == "HEAD":
        start_response(_STATUS[status], headers)
        return []
    file_wrapper = environ.get("wsgi.file_wrapper")
    if file_wrapper is None:
        start_response(_STATUS[status], headers)
        return [_contents_of(path)]
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the server through the wrapper)
    except FileNotFoundError:  # removed since by someone cleaning the folder: build again
        ensure_built(version=data.version, folder=data.folder)
        handle = open(path, "rb")  # noqa: SIM115
    start_response(_STATUS[status], headers)
    return file_wrapper(handle, CHUNK)


class MapDataFastPath:
    """WSGI middleware answering GET/HEAD PATH itself and everything else through `app`."""

    def __init__(self, app: Callable, path: str = PATH) -> None:
        self.app = app
        self.path = path

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == self.path:
            return serve_wsgi(environ, start_response)
        return self.app(environ, start_response)
