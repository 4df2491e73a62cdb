from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from pepites.accounts.models import ApiToken
from pepites.accounts.tokens import authenticate
from pepites.core.ratelimit import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pep_…`: a personal token, created from the workspace. A token
    in reading only is refused (403) on every method that writes, whatever the endpoint."""

    openapi_description = (
        "Jeton personnel (« pep_… »), créé depuis votre espace Pépites. Un jeton « lecture » "
        "ne peut ni créer ni modifier : il faut un jeton « lecture et écriture »."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate(token, address=client_ip(request))
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise PermissionDenied(
                _(
                    "Ce jeton ne permet que la lecture : créez un jeton « lecture et écriture » "
                    "depuis votre espace pour créer ou modifier des initiatives."
                )
            )
        request.user = found.user  # the same permission checks as the interface
        return found


token_auth = TokenAuth()
