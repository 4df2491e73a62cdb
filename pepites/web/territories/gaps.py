"""Where initiatives are missing: /territoires/manques/ and its CSV.

The report (pepites/insights/gaps.py) is computed once per version of the public data and
held by each process; what these views derive from it (the map's data, the territory
tables, the CSV files) is made once per report, so a request costs a page of 50 QPV and a
few small queries, whatever the number of initiatives.
"""

from __future__ import annotations

import io
import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pepites.core.spreadsheet import SafeCsvWriter
from pepites.insights.gaps import (
    QPV_SORTS,
    QPV_STATES,
    RELATION_COLUMNS,
    GapsReport,
    gaps_report,
    select_qpvs,
)
from pepites.network.models import Centre
from pepites.territories.models import QpvGeneration
from pepites.web.caching import shared_cache
from pepites.web.initiatives.explorer import page_query

CSV_TABLES = ("qpv", "departements", "regions")
GAPS_PAGE_SIZE = 50


def _centre(request: HttpRequest) -> Centre | None:
    slug = request.GET.get("centre", "").strip()
    if not slug:
        return None
    centre = Centre.objects.filter(slug=slug).first()
    if centre is None:
        raise Http404(_("Centre « %(slug)s » inconnu.") % {"slug": slug})
    return centre


def qpv_filters(request: HttpRequest, report: GapsReport) -> dict[str, str]:
    """The QPV table's parameters; a value the report does not know is ignored (a stale
    shared link shows the default view, never an error)."""
    get = request.GET.get
    state = get("etat", "")
    sort = get("tri", "")
    region = get("region", "")
    departement = get("departement", "")
    codes = report.kept(
        "codes",
        lambda: ({r.code for r in report.regions}, {d.code for d in report.departements}),
    )
    return {
        "state": state if state in QPV_STATES else "sans",
        "sort": sort if sort in QPV_SORTS else "population",
        "region": region if region in codes[0] else "",
        "departement": departement if departement in codes[1] else "",
    }


def _with_urls(report: GapsReport) -> str:
    # One URL reversed, not 1,600 (QPV codes are letters and digits only).
    pattern = reverse("qpv_detail", kwargs={"code": "QPVCODE"})
    for q in report.qpvs:
        q.url = pattern.replace("QPVCODE", q.code)  # type: ignore[attr-defined]
    return pattern


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _map_script(report: GapsReport, url_pattern: str) -> str:
    """The map's points (every QPV of the report) as the page's JSON data element, compact:
    one array a QPV, the page's address made by the script from the code."""
    data = {
        "kind": "gaps",
        "url": url_pattern,
        "points": [
            [q.code, q.name, round(q.latitude, 5), round(q.longitude, 5), q.total]
            for q in report.qpvs
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html(
        '<script id="territory-map-data" type="application/json">{}</script>', mark_safe(text)
    )


def _territory_tables(report: GapsReport) -> dict[str, str]:
    def table(rows, caption_id: str, first_header: str) -> str:
        return render_to_string(
            "web/territories/includes/territory_table.html",
            {
                "report": report,
                "rows": rows,
                "caption_id": caption_id,
                "first_header": first_header,
            },
        )

    return {
        "regions": table(report.regions, "titre-regions", _("Région")),
        "departements": table(report.departements, "titre-departements", _("Département")),
    }


def _options(report: GapsReport, table: str, selected: str) -> str:
    """The <option>s of the région or département filter: written once per report (a
    hundred départements cost more than the rest of the page in a template loop), the
    selected one (a code the report knows) marked here."""

    def write() -> str:
        rows = report.regions if table == "regions" else report.departements
        return "".join(
            format_html(
                '<option value="{}">{}</option>',
                row.code,
                row.name if table == "regions" else f"{row.name} ({row.code})",
            )
            for row in rows
        )

    options = report.kept(f"options:{table}", write)
    if selected:
        options = options.replace(
            f'<option value="{selected}">', f'<option value="{selected}" selected>', 1
        )
    return mark_safe(options)  # written by format_html above; `selected` is a known code


@shared_cache
def gaps(request: HttpRequest) -> HttpResponse:
    centre = _centre(request)
    report = gaps_report(centre=centre)
    url_pattern = report.kept("urls", lambda: _with_urls(report))
    filters = qpv_filters(request, report)
    rows = select_qpvs(report, **filters)
    page = Paginator(rows, GAPS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/territories/gaps.html",
        {
            "report": report,
            "centre": centre,
            "centres": Centre.objects.order_by("name").only("slug", "name", "territory_label"),
            "filters": filters,
            "filtered": bool(filters["region"] or filters["departement"]),
            "region_options": _options(report, "regions", filters["region"]),
            "departement_options": _options(report, "departements", filters["departement"]),
            "page": page,
            "page_query": page_query(request),
            "map_script": report.kept("map", lambda: _map_script(report, url_pattern)),
            "tables": report.kept("tables", lambda: _territory_tables(report)),
            "csv_query": f"?centre={centre.slug}&table=" if centre else "?table=",
            "qpv_demo": report.generation == QpvGeneration.DEMO,
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
    body = report.kept(f"csv:{table}", lambda: gaps_csv_bytes(report, table))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    scope = centre.slug if centre else "reseau"
    response["Content-Disposition"] = f'attachment; filename="pepites-manques-{table}-{scope}.csv"'
    return response


def gaps_csv_bytes(report: GapsReport, table: str) -> bytes:
    out = io.StringIO()
    write_gaps_csv(out, report, table)
    return out.getvalue().encode()


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
        writer.writerows(
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
            for q in report.qpvs
        )
        return
    rows = report.departements if table == "departements" else report.regions
    code_column = "insee_dep" if table == "departements" else "insee_reg"
    writer.writerow(
        [code_column, "nom", "initiatives_total", "qpv", "qpv_sans_initiative", *theme_columns]
    )
    writer.writerows(
        [row.code, row.name, row.total, row.qpv_count, row.qpv_without, *row.counts] for row in rows
    )
