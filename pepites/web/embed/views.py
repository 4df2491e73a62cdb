"""/embed/: the map and its list, made to live in an iframe on a centre's own website.

Framing is allowed for this path only (the rest of the site keeps X-Frame-Options: DENY).
Any of the map's filters in the address presets the view: a centre, themes, a region, a
département, a commune, a QPV, the relation to the QPV; they are kept as hidden fields of
the map's form, so the map page's own script drives the page unchanged.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from pepites.initiatives.models import Theme
from pepites.initiatives.selectors import filter_published_initiatives
from pepites.network.models import Centre
from pepites.web.initiatives.explorer import map_page_config, page_query, paginate
from pepites.web.initiatives.forms import MapFilterForm

# Filters an embedding site sets once; the visitor refines with the others.
PRESET_FIELDS = (
    "region",
    "departement",
    "commune",
    "centre",
    "quartier",
    "relation",
    "qpv",
    "programme",
    "label",
)


def embed_url(**filters) -> str:
    """The address of the embedded map with these filters (as query parameters)."""
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in filters.items() if v}, doseq=True)
    return reverse("embed") + (f"?{query}" if query else "")


@require_GET
@xframe_options_exempt
def embed(request: HttpRequest) -> HttpResponse:
    themes = list(Theme.objects.order_by("position", "label"))
    form = MapFilterForm(request.GET or None, themes=themes)
    results = filter_published_initiatives(**form.filters())
    page = paginate(request, results)
    total = page.paginator.count
    data = getattr(form, "cleaned_data", {})
    presets = [
        (name, value)
        for name in PRESET_FIELDS
        for value in request.GET.getlist(name)
        if value and name in data and data.get(name)
    ]
    centre = Centre.objects.filter(slug=data.get("centre") or "").first()
    response = render(
        request,
        "web/embed/map.html",
        {
            "form": form,
            "page": page,
            "total": total,
            "page_query": page_query(request),
            "presets": presets,
            "centre": centre,
            "site_query": request.GET.urlencode(),
            "map_page": map_page_config(
                themes=themes, total=total, page_ids=[i.pk for i in page.object_list]
            ),
        },
    )
    # Any site may frame this page (and only this one): xframe_options_exempt removes the old
    # header, and the CSP says frame-ancestors * (web/security_headers.py).
    return response
