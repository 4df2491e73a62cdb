"""Public pages of the resource library: the list with its filters, a resource's page, its
Atom feed and its open-data files."""

from __future__ import annotations

import csv
import json
from typing import Any, cast

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pepites.core.spreadsheet import neutralise
from pepites.insights.library import LibraryItem, library_items
from pepites.resources.models import TextStatus
from pepites.resources.permissions import can_edit_resource, can_view_resource
from pepites.resources.selectors import ResourceFilters, get_resource, pages_matching
from pepites.web.resources.forms import ResourceFilterForm

PER_PAGE = 20
EXPORT_COLUMNS = (
    "source",
    "id",
    "titre",
    "type",
    "date",
    "auteurs",
    "centres",
    "thematiques",
    "resume",
    "licence",
    "fichier",
    "lien_externe",
    "adresse",
    "demonstration",
)


class _Window:
    """A paginator over the merged library: counts once, loads only the page shown."""

    def __init__(self, filters: ResourceFilters):
        self.filters = filters
        self._total: int | None = None

    def count(self) -> int:
        if self._total is None:
            self._total = library_items(filters=self.filters, limit=0)[1]
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[LibraryItem]:
        items, self._total = library_items(
            filters=self.filters, offset=window.start or 0, limit=window.stop - (window.start or 0)
        )
        return items


@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else ResourceFilters()
    window = cast(Any, _Window(filters))  # sliced and counted, as a Paginator asks
    page = Paginator(window, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/resources/list.html",
        {"form": form, "page": page, "page_query": query.urlencode(), "filters": filters},
    )


@require_GET
def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = get_resource(slug=slug)
    if resource is None or not can_view_resource(request.user, resource):
        raise Http404
    query = request.GET.get("q", "")[:200]
    found_pages = pages_matching(resource_ids=[resource.pk], query=query).get(resource.pk, [])
    return render(
        request,
        "web/resources/detail.html",
        {
            "resource": resource,
            "can_edit": can_edit_resource(request.user, resource),
            "query": query,
            "found_pages": found_pages,
            "not_extracted": resource.text_status in (TextStatus.NOT_EXTRACTED, TextStatus.FAILED),
        },
    )


def _rows(request: HttpRequest):
    items, _total = library_items(filters=ResourceFilters())
    for item in items:
        yield {
            "source": item.source,
            "id": item.id,
            "titre": item.title,
            "type": item.kind_label,
            "date": item.date.isoformat(),
            "auteurs": item.authors,
            "centres": " ; ".join(item.centres),
            "thematiques": " ; ".join(item.themes),
            "resume": item.summary,
            "licence": item.licence,
            "fichier": request.build_absolute_uri(item.file_url) if item.file_url else "",
            "lien_externe": item.external_url,
            "adresse": request.build_absolute_uri(item.url),
            "demonstration": item.is_demo,
        }


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every item of the library (resources and articles), in CSV or JSON."""
    if fmt == "json":
        body = json.dumps(list(_rows(request)), ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # spreadsheets then read UTF-8
        writer = csv.DictWriter(response, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for row in _rows(request):
            writer.writerow({k: neutralise(v) if isinstance(v, str) else v for k, v in row.items()})
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="ressources.{fmt}"'
    return response
