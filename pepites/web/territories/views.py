"""Pages of the territories domain: the QPV (index and page) and the QPV suggestions of the
map's filter (where initiatives are missing: gaps.py)."""

import json
import re

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pepites.initiatives.models import QpvRelation
from pepites.initiatives.placement.selectors import initiatives_of_qpv, qpv_index_rows
from pepites.territories.indicator_selectors import qpv_indicator_card
from pepites.territories.models import QPV_CODE_RE, QpvGeneration
from pepites.territories.qpv_lookup import near_distance_m
from pepites.territories.selectors import (
    current_qpv_generation,
    find_qpvs,
    get_qpv,
    qpv_communes,
    qpv_index_entries,
)
from pepites.web.caching import shared_cache
from pepites.web.initiatives.explorer import page_query
from pepites.web.territories.forms import QpvIndexForm

QPV_PAGE_SIZE = 50
MAX_SUGGESTION_QUERY = 100


def initiative_url(initiative) -> str:
    return reverse("initiative_detail", kwargs={"slug": initiative.slug})


@shared_cache
def qpv_list(request: HttpRequest) -> HttpResponse:
    """/quartiers/: the QPV of the current list, filtered by territory and words, with their
    published initiatives in, near and for each."""
    form = QpvIndexForm(request.GET or None)
    entries = qpv_index_entries(**form.filters())
    page = Paginator(entries, QPV_PAGE_SIZE).get_page(request.GET.get("page"))
    generation = current_qpv_generation()
    return render(
        request,
        "web/territories/qpv_list.html",
        {
            "form": form,
            "page": page,
            "rows": qpv_index_rows(entries=list(page.object_list)),
            "total": page.paginator.count,
            "page_query": page_query(request),
            "generation_label": QpvGeneration(generation).label if generation else "",
            "qpv_demo": generation == QpvGeneration.DEMO,
            "near_distance_m": round(near_distance_m()),
        },
    )


@require_GET
def qpv_suggestions(request: HttpRequest) -> JsonResponse:
    """/carte/quartiers?q=…[&region=…&departement=…]: the current QPV matching what a
    visitor types in the map's QPV field (its datalist)."""
    text = " ".join(request.GET.get("q", "").split())[:MAX_SUGGESTION_QUERY]
    found = []
    if len(text) >= 2:
        found = find_qpvs(
            text=text,
            region=request.GET.get("region", "")[:3],
            departement=request.GET.get("departement", "")[:3],
        )
    return JsonResponse(
        {
            "quartiers": [
                {"code": e.code, "label": e.label, "departement": e.departement_code} for e in found
            ]
        }
    )


@shared_cache
def qpv_detail(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    qpv = get_qpv(code=code) if re.match(QPV_CODE_RE, code) else None
    if qpv is None:
        raise Http404(_("Aucun quartier prioritaire ne porte le code %(code)s.") % {"code": code})
    grouped = initiatives_of_qpv(code=qpv.code)
    markers = []
    for relation, initiatives in grouped.items():
        for initiative in initiatives:
            initiative.url = initiative_url(initiative)
            if initiative.latitude is not None and initiative.longitude is not None:
                markers.append(
                    {
                        "title": initiative.title,
                        "url": initiative.url,
                        "lat": initiative.latitude,
                        "lon": initiative.longitude,
                        "relation": relation,
                    }
                )
    map_data = {
        "kind": "qpv",
        "label": qpv.name,
        "outline": json.loads(qpv.outline),
        "markers": markers,
    }
    communes = qpv_communes(qpv=qpv)
    return render(
        request,
        "web/territories/qpv_detail.html",
        {
            "qpv": qpv,
            "communes": communes,
            "card": qpv_indicator_card(code=qpv.code, communes=communes),
            "inside": grouped[QpvRelation.IN],
            "near": grouped[QpvRelation.NEAR],
            "serving": grouped[QpvRelation.FOR],
            "near_distance_m": round(near_distance_m()),
            "map_data": map_data,
            "area_ha": qpv.area_m2 / 10_000,
        },
    )
