"""The open data page and its files: exports with the map's filters, schema, data package."""

from __future__ import annotations

import tempfile

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from pepites.core.siteurl import site_url
from pepites.initiatives import exports
from pepites.initiatives.exports import files as opendata_files
from pepites.initiatives.figures.files import figures_for, iter_figures_csv
from pepites.initiatives.filters import FilterForm
from pepites.web.initiatives.stored_files import serve_stored

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "geojson": ("application/geo+json", "geojson"),
}
# Parameters that order the map's list (around a place) or page it: no effect on a file.
IGNORED_PARAMETERS = ("lieu", "pres", "page", "carte", "fiche")


def filters_from_query(query: QueryDict) -> tuple[dict, dict]:
    """(keyword arguments of filter_published_initiatives, the query as shown in files).

    The map's filter vocabulary reads them, so an export link built from the map's address gives
    exactly the initiatives the map shows; invalid values are ignored, as on the map."""
    data = query.copy()
    for name in IGNORED_PARAMETERS:
        data.pop(name, None)
    form = FilterForm(data or None)
    filters = form.filters()
    filters.pop("near", None)
    shown = {
        key: values if len(values) > 1 else values[0] for key, values in data.lists() if any(values)
    }
    return filters, shown


def _filename(fmt: str) -> str:
    return f"pepites-initiatives-{timezone.localdate():%Y-%m-%d}.{FORMATS[fmt][1]}"


def _headers(response: HttpResponse, filename: str) -> HttpResponse:
    schema = site_url() + reverse("open_data_schema")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{schema}>; rel="describedby", <{exports.LICENCE["path"]}>; rel="license"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def export_file(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    filters, shown = filters_from_query(request.GET)
    if not shown:  # every published initiative: the stored file of the data version
        build = opendata_files.latest_build()
        if build is not None:
            return _headers(serve_stored(request, build=build, fmt=fmt), _filename(fmt))
        opendata_files.request_build(delay=0)  # none yet: built now, streamed meanwhile
    info = exports.export_info(filters=shown)
    initiatives = exports.iter_initiatives(exports.export_queryset(filters=filters))
    content_type, _extension = FORMATS[fmt]
    filename = _filename(fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in exports.iter_csv(initiatives)),
            content_type=content_type,
        )
    elif fmt == "geojson":
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in exports.iter_geojson(initiatives, info=info)),
            content_type=content_type,
        )
    else:
        # A workbook is a ZIP written at the end: built in a temporary file, then sent.
        spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (closed by the response)
        exports.write_xlsx(initiatives, spool, info=info)
        spool.seek(0)
        response = FileResponse(spool, content_type=content_type)
    return _headers(response, filename)


@require_GET
def figures_file(request: HttpRequest) -> HttpResponse:
    """The results in figures, one row per initiative and year, with the map's filters."""
    filters, _shown = filters_from_query(request.GET)
    figures = figures_for(exports.export_queryset(filters=filters))
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in iter_figures_csv(figures)),
        content_type="text/csv; charset=utf-8",
    )
    return _headers(response, f"pepites-resultats-{timezone.localdate():%Y-%m-%d}.csv")


@require_GET
def schema(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        exports.table_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Type"] = "application/schema+json; charset=utf-8"
    return response


@require_GET
def datapackage(request: HttpRequest) -> JsonResponse:
    """The Data Package (frictionlessdata.io) describing the three files."""
    base = site_url()
    resources = [
        {
            "name": f"initiatives-{fmt}",
            "path": base + reverse("open_data_export", kwargs={"fmt": fmt}),
            "format": extension,
            "mediatype": content_type.split(";")[0],
            **(
                {"encoding": "utf-8", "schema": base + reverse("open_data_schema")}
                if fmt == "csv"
                else {}
            ),
        }
        for fmt, (content_type, extension) in FORMATS.items()
    ]
    resources.append(
        {
            "name": "resultats-csv",
            "title": "Résultats chiffrés, une ligne par initiative et par année",
            "path": base + reverse("open_data_figures"),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
        }
    )
    return JsonResponse(
        {
            "name": "pepites-initiatives",
            "title": str(exports.table_schema()["title"]),
            "homepage": base + reverse("open_data"),
            "licenses": [exports.LICENCE],
            "created": exports.export_info().date,
            "resources": resources,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def open_data(request: HttpRequest) -> HttpResponse:
    """What Pépites gives back: the files, their schema, the API, the feeds, the embed."""
    query = request.GET.copy()
    for name in IGNORED_PARAMETERS:
        query.pop(name, None)
    return render(
        request,
        "web/initiatives/open_data.html",
        {
            "query": query.urlencode(),
            "columns": exports.COLUMNS,
            "licence": exports.LICENCE,
        },
    )
