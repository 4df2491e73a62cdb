"""The legal pages, linked from every page's footer."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pepites.privacy.legal_texts import legal_page


@require_GET
def legal(request: HttpRequest, slug: str) -> HttpResponse:
    title, body, is_default = legal_page(slug=slug)
    return render(
        request,
        "web/core/legal.html",
        {"title": title, "body": body, "is_default": is_default},
    )
