"""Small JSON answers for the initiative form: commune suggestions (public, from the COG),
address geocoding and the Markdown preview (workspace only)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pepites.core.richtext import clean_markdown, render_markdown
from pepites.territories.selectors import search_communes
from pepites.web.workspace.common import workspace_required

MAX_QUERY = 100


@require_GET
def commune_suggestions(request: HttpRequest) -> JsonResponse:
    text = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    communes = search_communes(text=text, limit=10) if len(text) >= 2 else []
    return JsonResponse(
        {
            "communes": [
                {
                    "code": c.code,
                    "label": f"{c.name} ({c.code})",
                    "departement": f"{c.departement_id} – {c.departement.name}",
                }
                for c in communes
            ]
        }
    )


@workspace_required
@require_GET
def geocode(request: HttpRequest) -> JsonResponse:
    """The point of an address, through the BAN client when it is installed."""
    address = " ".join(request.GET.get("adresse", "").split())[:300]
    citycode = request.GET.get("commune", "")[:5]
    try:
        from pepites.territories.geocoding import geocoder
    except ImportError:  # the form keeps working with a point placed by hand
        return JsonResponse(
            {
                "status": "unavailable",
                "message": _("Géocodage indisponible : placez le point sur la carte."),
            },
            status=503,
        )
    if len(address) < 3:
        return JsonResponse(
            {"status": "not_found", "message": _("Saisissez une adresse plus complète.")},
            status=400,
        )
    with geocoder() as client:
        result = client.search(address=address, citycode=citycode)
    return JsonResponse(
        {
            "status": str(result.status),
            "label": result.label,
            "latitude": result.latitude,
            "longitude": result.longitude,
            "score": result.score,
            "message": str(result.message or ""),
        },
        status=503 if result.status == "unavailable" else 200,
    )


@workspace_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    html = render_markdown(clean_markdown(request.POST.get("text", "")[:20000]))
    return HttpResponse(html, content_type="text/html; charset=utf-8")
