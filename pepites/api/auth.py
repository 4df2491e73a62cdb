from django.http import HttpRequest
from ninja.security import HttpBearer

from pepites.accounts.models import ApiToken
from pepites.accounts.tokens import authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pep_…`: a personal token, created from the workspace."""

    openapi_description = "Jeton personnel (« pep_… »), créé depuis votre espace Pépites."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate(token)
        if found is not None:
            request.user = found.user  # the same permission checks as the interface
        return found


token_auth = TokenAuth()
