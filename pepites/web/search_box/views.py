"""One search box over initiatives, resources (to the last page of their files) and the
other kinds registered in groups.py, with the results grouped by kind."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from pepites.search.cache import per_data_version
from pepites.search.selectors import search_kinds
from pepites.web.search_box.groups import GROUPS

PER_GROUP = 5
ONE_KIND = 50


def _results(query: str, kinds: list[str], limit: int) -> str:
    """The groups of results as HTML: what they show depends on the query and the public
    data only, so they are rendered once per data version (pepites.search.cache)."""
    groups = []
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
    return render_to_string(
        "web/search_box/results.html",
        {"query": query, "groups": groups, "found": sum(g["total"] for g in groups)},
    )


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    only = request.GET.get("type", "")
    kinds = [only] if only in GROUPS else list(GROUPS)
    limit = ONE_KIND if only in GROUPS else PER_GROUP
    results = ""
    if query:
        results = per_data_version(
            ("search-box", query, tuple(kinds), limit),
            lambda: _results(query, kinds, limit),
        )
    return render(
        request,
        "web/search_box/page.html",
        {
            "query": query,
            "only": GROUPS.get(only),
            "results": mark_safe(results),
        },  # our template, escaped there
    )
