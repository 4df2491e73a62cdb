"""Request id: each request gets one, logged with every line it causes and returned in
the X-Request-ID response header, so that a visitor's report, the proxy's log and the
application's lines can be matched. An id sent by the reverse proxy is kept when
well-formed (nginx: `proxy_set_header X-Request-ID $request_id;`)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pepites.core.logging import request_id

HEADER = "X-Request-ID"
# Letters, digits and a few separators, 8 to 128 characters: nothing that could forge a
# log line or a header.
WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def incoming_or_new(value: str | None) -> str:
    if value and WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = incoming_or_new(request.headers.get(HEADER))
        request.request_id = rid  # type: ignore[attr-defined]
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = rid
        return response
