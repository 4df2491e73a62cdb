"""One search box over initiatives, resources (to the last page of their files) and the
other kinds registered in groups.py, with the results grouped by kind."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pepites.resources.selectors import search_resource_ids_in_pages
from pepites.search.selectors import search_initiative_ids
from pepites.web.search_box.groups import GROUPS

PER_GROUP = 5
ONE_KIND = 50


def _find(query: str, kinds: list[str], limit: int) -> dict[str, tuple[list[int], int]]:
    found = {}
    if "initiative" in kinds:
        ids = search_initiative_ids(query=query, limit=None)
        found["initiative"] = (ids[:limit], len(ids))
    if "resource" in kinds:
        ids = search_resource_ids_in_pages(query=query, limit=500)
        found["resource"] = (ids[:limit], len(ids))
    return found


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    only = request.GET.get("type", "")
    kinds = [only] if only in GROUPS else list(GROUPS)
    limit = ONE_KIND if only in GROUPS else PER_GROUP
    groups = []
    if query:
        for kind, (ids, total) in _find(query, kinds, limit).items():
            group = GROUPS[kind]
            groups.append(
                {
                    "group": group,
                    "results": group.load(ids, query),
                    "total": total,
                    "more_url": group.list_url(query) if total > len(ids) else "",
                }
            )
    return render(
        request,
        "web/search_box/page.html",
        {
            "query": query,
            "groups": groups,
            "only": GROUPS.get(only),
            "found": sum(g["total"] for g in groups),
        },
    )
