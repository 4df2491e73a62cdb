"""Sending a stored open-data file like a static file: a strong ETag (data version and
format), 304 to a revalidation, one byte range (206, or 416 when out of the file), from
the media storage (local disk or S3) in chunks, never whole in memory."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

from pepites.initiatives.exports.files import stored_name
from pepites.initiatives.mapversions import OpenDataBuild
from pepites.web.initiatives.mapdata_http import etag_matches

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) of a single `bytes=` range; None to send the whole file (no header, a
    form we do not serve, several ranges); False when it lies outside the file (416)."""
    match = _RANGE.match(header.replace(" ", ""))
    if not header or match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def _chunks(handle, length: int) -> Iterator[bytes]:
    try:
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def serve_stored(request: HttpRequest, *, build: OpenDataBuild, fmt: str) -> HttpResponse:
    etag = f'"{build.version}-{fmt}"'
    size = build.sizes[fmt]
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(build.built_at.timestamp()),
        "Accept-Ranges": "bytes",
        # Public data: a shared cache may keep it, and must ask again before reusing it.
        "Cache-Control": "public, no-cache",
    }
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        return HttpResponse(status=304, headers=headers)
    wanted = None
    if_range = request.headers.get("If-Range")
    if if_range is None or if_range.strip() == etag:
        wanted = byte_range(request.headers.get("Range", ""), size)
    if wanted is False:
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    handle = default_storage.open(stored_name(build.version, fmt), "rb")
    if wanted is None:
        response = FileResponse(handle, content_type=CONTENT_TYPES[fmt])
        # Granian offers no wsgi.file_wrapper: the file is read in Python, and Django's 4 kB
        # blocks would cost a loop turn per 4 kB of a 100 MB file.
        response.block_size = CHUNK
        response["Content-Length"] = str(size)
    else:
        first, last = wanted
        handle.seek(first)
        length = last - first + 1
        response = StreamingHttpResponse(
            _chunks(handle, length), status=206, content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(length)
    for name, value in headers.items():
        response[name] = value
    return response
