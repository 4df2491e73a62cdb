"""Error pages in French (templates 400, 403, 404, 500 and 403_csrf.html at the root of
pepites/web/templates/). Django's own views render 400, 403 and 404; the 500 page and the
CSRF failure are answered here."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.middleware.csrf import REASON_NO_REFERER
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)
# If even the template cannot be rendered (a broken installation), this is still French.
BARE_500 = (
    "<!doctype html><html lang=fr><meta charset=utf-8><title>Erreur du serveur — Pépites</title>"
    "<h1>Un problème nous empêche d'afficher cette page</h1>"
    "<p>Réessayez dans quelques instants. <a href=/>Retour à l'accueil</a></p></html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without a request context: no context processor, no database query (the
    database may be what failed)."""
    try:
        html = loader.get_template("500.html").render(
            {"request_id": getattr(request, "request_id", "")}
        )
    except Exception:
        logger.exception("Rendering the 500 page failed")
        html = BARE_500
    return HttpResponseServerError(html)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", {"no_referer": reason == REASON_NO_REFERER}, status=403)
