from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from pepites.core import dataversion, health
from pepites.initiatives.models import Theme
from pepites.initiatives.selectors import filter_published_initiatives
from pepites.web.caching import shared_cache
from pepites.web.initiatives.explorer import (
    map_page_config,
    page_query,
    paginate,
    worker_filters,
)
from pepites.web.initiatives.forms import MapFilterForm


@shared_cache
def home(request: HttpRequest) -> HttpResponse:
    """The map and the list, side by side, with the filters (a plain GET form)."""
    themes = list(Theme.objects.order_by("position", "label"))
    form = MapFilterForm(request.GET or None, themes=themes)
    filters = form.filters()
    results = filter_published_initiatives(**filters)
    page = paginate(request, results, near=filters.get("near"))
    total = page.paginator.count
    return render(
        request,
        "web/core/home.html",
        {
            "form": form,
            "page": page,
            "total": total,
            "page_query": page_query(request),
            # The filter form's HTML depends on nothing else (a third of the page's time).
            "filters_key": dataversion.versioned_key(
                "home-filters", get_language() or "", request.GET.urlencode()
            ),
            "themes": themes,
            "map_page": map_page_config(
                themes=themes,
                total=total,
                page_ids=[i.pk for i in page.object_list],
                initial_filters=worker_filters(filters, commune_text=form.commune_text()),
            ),
        },
    )


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure makes the instance unhealthy
        return JsonResponse(
            {"status": "error", "database": str(exc.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": connection.vendor})


@never_cache
def readiness(request: HttpRequest) -> HttpResponse:
    """Should the load balancer send traffic here? See pepites/core/health.py."""
    status, body = health.readiness()
    return JsonResponse(body, status=status)
