from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from pepites.accounts.tokens import authenticate
from pepites.api.auth import SAFE_METHODS
from pepites.api.errors import error_response
from pepites.core.ratelimit import client_ip


class ApiMethodNotAllowedMiddleware:
    """django-ninja answers a wrong method with a plain-text 405: the API's JSON shape
    instead, with the Allow header kept."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/"):
            allowed = response.get("Allow", "")
            return error_response(
                405,
                _("Méthode %(method)s non permise ici (permises : %(allowed)s).")
                % {"method": request.method, "allowed": allowed},
                headers={"Allow": allowed} if allowed else None,
            )
        return response


class ApiTokenUseMiddleware:
    """Reading is open without a token, so the endpoints never look at one: a token sent
    with a read is still checked here, only to record its last use (a read-only token
    would otherwise always look unused). A wrong token on a read changes nothing."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS and request.path.startswith("/api/"):
            scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() == "bearer":
                authenticate(raw.strip(), address=client_ip(request))
        return self.get_response(request)
