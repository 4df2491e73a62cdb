"""Pages of the territories domain: the QPV (index and page), where initiatives are
missing, and the QPV suggestions of the map's filter."""

import json
import re

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pepites.core.spreadsheet import SafeCsvWriter
from pepites.initiatives.models import QpvRelation
from pepites.initiatives.placement.selectors import initiatives_of_qpv, qpv_index_rows
from pepites.initiatives.selectors import list_centres
from pepites.insights.gaps import RELATION_COLUMNS, GapsReport, gaps_report
from pepites.network.models import Centre
from pepites.territories.indicator_selectors import qpv_indicator_card
from pepites.territories.models import QPV_CODE_RE, QpvGeneration
from pepites.territories.qpv_lookup import near_distance_m
from pepites.territories.selectors import (
    current_qpv_generation,
    find_qpvs,
    get_qpv,
    qpv_communes,
    qpv_index_entries,
    qpv_list_is_demo,
)
from pepites.web.caching import shared_cache
from pepites.web.initiatives.explorer import page_query
from pepites.web.territories.forms import QpvIndexForm

CSV_TABLES = ("qpv", "departements", "regions")
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


def _centre(request: HttpRequest) -> Centre | None:
    slug = request.GET.get("centre", "").strip()
    if not slug:
        return None
    centre = Centre.objects.filter(slug=slug).first()
    if centre is None:
        raise Http404(_("Centre « %(slug)s » inconnu.") % {"slug": slug})
    return centre


@shared_cache
def gaps(request: HttpRequest) -> HttpResponse:
    centre = _centre(request)
    report = gaps_report(centre=centre)
    # One URL reversed, not 1,600 (QPV codes are letters and digits only).
    pattern = reverse("qpv_detail", kwargs={"code": "QPVCODE"})
    for q in report.qpvs:
        q.url = pattern.replace("QPVCODE", q.code)
    map_data = {
        "kind": "gaps",
        "points": [
            {
                "code": q.code,
                "name": q.name,
                "lat": q.latitude,
                "lon": q.longitude,
                "total": q.total,
                "url": q.url,
            }
            for q in report.qpvs
        ],
    }
    return render(
        request,
        "web/territories/gaps.html",
        {
            "report": report,
            "centre": centre,
            "centres": list_centres(),
            "qpvs_with": [q for q in report.qpvs if not q.is_empty],
            "map_data": map_data,
            "csv_query": f"?centre={centre.slug}&table=" if centre else "?table=",
            "qpv_demo": qpv_list_is_demo(),
        },
    )


@shared_cache
def gaps_csv(request: HttpRequest) -> HttpResponse:
    table = request.GET.get("table", "qpv")
    if table not in CSV_TABLES:
        return HttpResponseBadRequest(
            _("Paramètre « table » invalide : qpv, departements ou regions."),
            content_type="text/plain; charset=utf-8",
        )
    centre = _centre(request)
    report = gaps_report(centre=centre)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    scope = centre.slug if centre else "reseau"
    response["Content-Disposition"] = f'attachment; filename="pepites-manques-{table}-{scope}.csv"'
    write_gaps_csv(response, report, table)
    return response


def write_gaps_csv(out, report: GapsReport, table: str) -> None:
    writer = SafeCsvWriter(out)
    theme_columns = [f"theme_{t.slug}" for t in report.themes]
    if table == "qpv":
        writer.writerow(
            [
                "code_qp",
                "lib_qp",
                "insee_dep",
                "insee_reg",
                "insee_com",
                "lib_com",
                "population",
                "initiatives_dans",
                "initiatives_proximite",
                "initiatives_pour",
                "initiatives_total",
                *theme_columns,
            ]
        )
        for q in report.qpvs:
            writer.writerow(
                [
                    q.code,
                    q.name,
                    q.departement_code,
                    q.region_code,
                    ";".join(q.commune_codes),
                    q.communes_label,
                    "" if q.population is None else q.population,
                    *(q.by_relation.get(r, 0) for r in RELATION_COLUMNS),
                    q.total,
                    *report.theme_counts(q.by_theme),
                ]
            )
        return
    rows = report.departements if table == "departements" else report.regions
    code_column = "insee_dep" if table == "departements" else "insee_reg"
    writer.writerow(
        [code_column, "nom", "initiatives_total", "qpv", "qpv_sans_initiative", *theme_columns]
    )
    for row in rows:
        writer.writerow(
            [
                row.code,
                row.name,
                row.total,
                row.qpv_count,
                row.qpv_without,
                *row.counts,
            ]
        )
