"""One search box over initiatives, resources (to the last page of their files) and the
other kinds registered in groups.py, with the results grouped by kind."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pepites.search.selectors import search_kinds
from pepites.web.search_box.groups import GROUPS

PER_GROUP = 5
ONE_KIND = 50


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    only = request.GET.get("type", "")
    kinds = [only] if only in GROUPS else list(GROUPS)
    limit = ONE_KIND if only in GROUPS else PER_GROUP
    groups = []
    if query:
        # One engine for every kind (French stems, accents, typos), each group with its total.
        for kind, found in search_kinds(query=query, kinds=kinds, limit=limit).items():
            group, ids, total = GROUPS[kind], found.ids, found.total
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
