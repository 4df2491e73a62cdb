"""The API of Pépites, version 1, at /api/v1/ (OpenAPI 3 schema at /api/v1/openapi.json,
browsable documentation at /api/v1/docs)."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger

from pepites.api import initiatives, reference, resources
from pepites.api.errors import error_response, install_handlers

DESCRIPTION = """
Les données de Pépites : initiatives publiées (avec les filtres de la carte), thématiques,
centres de ressources, territoires et quartiers prioritaires, ressources des centres
(`/resources`). Licence Ouverte 2.0.

- Lecture : ouverte à tous, sans clé, depuis n'importe quel site (CORS).
- Écriture : membres des centres, avec un jeton personnel « lecture et écriture » créé
  depuis leur espace (`Authorization: Bearer pep_…`), avec les mêmes droits que dans
  l'interface. Un jeton « lecture » est refusé (403) sur toute écriture.
  Une modification envoie la `version` lue : si quelqu'un a enregistré entre-temps,
  la réponse est 409 et rien n'est modifié.
- Erreurs : `{"error": {"code", "message", "fields": [{"field", "message"}]}}`, en français.
"""

api = NinjaAPI(
    title="API Pépites",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=Swagger(settings={"persistAuthorization": True, "defaultModelsExpandDepth": 0}),
)
install_handlers(api)
api.add_router("", initiatives.router)
api.add_router("", reference.router)
api.add_router("", resources.router)


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown addresses under /api/ answer in the API's error format, not in HTML."""
    return error_response(404, _("Adresse inconnue de l'API : voyez /api/v1/docs."))
