"""Every API error has one shape: {"error": {"code", "message", "fields": [{"field",
"message"}]}}, messages in French, with the name of the field at fault when there is one."""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from pepites.core.errors import ConflictError
from pepites.core.limits import too_large_message

logger = logging.getLogger(__name__)


class ErrorField(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[ErrorField] = []


class ErrorOut(Schema):
    error: ErrorBody


STATUS_CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "invalid_request",
    500: "server_error",
}
# Model field → API field, so that a message names what the client sent.
MODEL_TO_API = {
    "commune": "commune_code",
    "themes": "theme_slugs",
    "principal_theme": "principal_theme_slug",
    "centre": "centre_slug",
}
READ_ERRORS = {404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def error_response(
    status: int, message: str, fields: list[dict] | None = None, headers: dict | None = None
) -> JsonResponse:
    response = JsonResponse(
        {
            "error": {
                "code": STATUS_CODES.get(status, "error"),
                "message": message,
                "fields": fields or [],
            }
        },
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# Pydantic's error types, said in French.
PYDANTIC_MESSAGES = {
    "missing": "Champ obligatoire.",
    "string_type": "Texte attendu.",
    "string_too_short": "Texte trop court.",
    "string_too_long": "Texte trop long (%(max_length)s caractères au plus).",
    "string_pattern_mismatch": "Format invalide.",
    "int_type": "Nombre entier attendu.",
    "int_parsing": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "float_type": "Nombre attendu.",
    "float_parsing": "Nombre attendu.",
    "finite_number": "Nombre fini attendu.",
    "bool_type": "Booléen attendu (true ou false).",
    "bool_parsing": "Booléen attendu (true ou false).",
    "greater_than_equal": "Valeur trop petite (minimum %(ge)s).",
    "less_than_equal": "Valeur trop grande (maximum %(le)s).",
    "greater_than": "Valeur trop petite.",
    "less_than": "Valeur trop grande.",
    "list_type": "Liste attendue.",
    "too_short": "Liste trop courte.",
    "too_long": "Liste trop longue.",
    "enum": "Valeur non permise (valeurs possibles : %(expected)s).",
    "literal_error": "Valeur non permise (valeurs possibles : %(expected)s).",
    "uuid_parsing": "Identifiant (UUID) invalide.",
    "uuid_type": "Identifiant (UUID) invalide.",
    "dict_type": "Objet JSON attendu.",
    "model_type": "Objet JSON attendu.",
    "model_attributes_type": "Objet JSON attendu.",
    "json_invalid": "JSON invalide.",
    "extra_forbidden": "Champ inconnu.",
    "url_parsing": "Adresse web invalide.",
    "url_scheme": "Adresse web invalide (http ou https).",
    "value_error": "%(message)s",
}


def _french(error: dict) -> str:
    template = PYDANTIC_MESSAGES.get(error.get("type", ""), "Valeur invalide.")
    context = dict(error.get("ctx") or {})
    if "error" in context:
        context["message"] = str(context["error"]).removeprefix("Value error, ")
    context.setdefault("message", str(error.get("msg", "")).removeprefix("Value error, "))
    if error.get("type") == "too_long" and context.get("field_type") != "List":
        template = PYDANTIC_MESSAGES["string_too_long"]  # an optional text's max_length
    if "expected" in context:  # pydantic lists the choices as "'a', 'b' or 'c'"
        head, sep, last = str(context["expected"]).rpartition(" or ")
        context["expected"] = f"{head} ou {last}" if sep else last
    try:
        return _(template) % context
    except (KeyError, TypeError, ValueError):
        return _("Valeur invalide.")


def _location(loc) -> str:
    parts = [str(p) for p in loc or ()]
    if parts and parts[0] in {"query", "body", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "data", "filters"}:
        parts = parts[1:]
    return ".".join(parts) or "requete"


def validation_fields(exc: ValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": MODEL_TO_API.get(name, name) if name != "__all__" else "", "message": m}
            for name, messages in exc.message_dict.items()
            for m in messages
        ]
    return [{"field": "", "message": m} for m in exc.messages]


def unparsable_body_message(cause: BaseException | None) -> str:
    """django-ninja's "Cannot parse request body", said in French with where it fails."""
    if isinstance(cause, json.JSONDecodeError):
        return _(
            "Corps de la requête illisible : JSON invalide ligne %(line)s, colonne %(column)s "
            "(envoyez un objet JSON en UTF-8 avec « Content-Type: application/json »)."
        ) % {"line": cause.lineno, "column": cause.colno}
    return _(
        "Corps de la requête illisible : envoyez un objet JSON en UTF-8 avec "
        "« Content-Type: application/json »."
    )


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(RequestValidationError)
    def request_invalid(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
        fields = [{"field": _location(e.get("loc")), "message": _french(e)} for e in exc.errors]
        return error_response(422, _("Requête invalide : voyez les champs en erreur."), fields)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            401,
            _(
                "Jeton d'API manquant, invalide ou révoqué : envoyez l'en-tête "
                "« Authorization: Bearer <jeton> » (jetons créés depuis votre espace)."
            ),
            headers={"WWW-Authenticate": 'Bearer realm="pepites"'},
        )

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(
            400, _("Données invalides : voyez les champs en erreur."), validation_fields(exc)
        )

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return error_response(409, str(exc), [{"field": "version", "message": str(exc)}])

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(403, str(exc) or _("Vous n'avez pas le droit de faire cela."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, str(exc) or _("Ressource introuvable."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return error_response(400, unparsable_body_message(exc.__cause__))
        return error_response(exc.status_code, str(exc))

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(413, too_large_message())

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, _("Erreur interne : elle a été signalée à l'équipe."))
