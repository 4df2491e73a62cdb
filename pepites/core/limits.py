"""Requests over the size limits get a 413 with a French message, never a 500 or Django's
bare English 400: HTML for a browser, the API's JSON error shape for an API client.

The body is read here, once, before any view or CSRF check does it: Django raises
`RequestDataTooBig` lazily wherever `request.POST` or `request.body` is first touched, which
would otherwise become a 400 (forms) or a 500 (the API).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")


def too_large_message(*, declared: int | None = None) -> str:
    limits = {
        "text": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "total": _megabytes(settings.REQUEST_MAX_BYTES),
    }
    if declared:
        return _(
            "Requête trop volumineuse (%(size)s Mo) : %(total)s Mo au plus, fichiers compris, "
            "et %(text)s Mo pour les champs de texte."
        ) % {**limits, "size": _megabytes(declared)}
    return (
        _(
            "Requête trop volumineuse : %(text)s Mo au plus pour les champs de texte (et "
            "%(total)s Mo fichiers compris), ou trop de champs ou de fichiers envoyés."
        )
        % limits
    )


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or (
        "json" in request.headers.get("Accept", "")
        and "html" not in request.headers.get("Accept", "")
    )


def too_large_response(request: HttpRequest, message: str) -> HttpResponse:
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "payload_too_large", "message": message, "fields": []}},
            status=413,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        html = render_to_string("413.html", {"message": message}, request)
        response = HttpResponse(html, status=413)
    response["Connection"] = "close"  # the rest of the body is not read
    return response


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestSizeMiddleware:
    """Placed after the session and authentication middleware (the page needs them) and
    before any `process_view` (CSRF reads the form)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in BODY_METHODS:
            declared = _declared_length(request)
            if declared > settings.REQUEST_MAX_BYTES:
                return too_large_response(request, too_large_message(declared=declared))
            try:
                if request.content_type in FORM_TYPES:
                    request.POST  # noqa: B018 (parsed now, within the limits)
                else:
                    request.body  # noqa: B018
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                return too_large_response(request, too_large_message())
        return self.get_response(request)
