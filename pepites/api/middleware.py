from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from pepites.api.errors import error_response


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
