"""Small JSON answers for the initiative form: commune suggestions (public, from the COG),
address geocoding and the Markdown preview (workspace only)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pepites.core.richtext import clean_markdown, render_markdown
from pepites.initiatives.places import commune_points
from pepites.territories.reference_points import check_point_in_commune, commune_outline
from pepites.territories.selectors import get_commune, search_communes
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


def _coordinate(value: str, limit: float) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if -limit <= number <= limit else None


@workspace_required
@require_GET
def commune_place(request: HttpRequest) -> JsonResponse:
    """/espace/outils/commune?code=…[&lat=…&lon=…]: where the edit form's map opens for a
    commune (its official point, its outline when loaded) and, with a point, whether the
    point lies in that commune."""
    commune = get_commune(code=request.GET.get("code", "")[:5].upper())
    if commune is None:
        return JsonResponse({"message": _("Commune inconnue.")}, status=404)
    places = commune_points([commune])
    answer: dict = {
        "code": commune.code,
        "label": places[0].label if places else commune.name,
        "lat": places[0].latitude if places else None,
        "lon": places[0].longitude if places else None,
        "zoom": places[0].zoom if places else None,
        "outline": commune_outline(commune),
        "check": None,
    }
    latitude = _coordinate(request.GET.get("lat", ""), 90)
    longitude = _coordinate(request.GET.get("lon", ""), 180)
    if latitude is not None and longitude is not None:
        check = check_point_in_commune(commune=commune, latitude=latitude, longitude=longitude)
        message = ""
        if check.outside:
            message = _(
                "Attention : ce point est à %(km)s km de la commune choisie (%(commune)s). "
                "Vérifiez la commune ou déplacez le point avant d'enregistrer."
            ) % {
                "km": f"{check.distance_m / 1000:.1f}".replace(".", ","),
                "commune": answer["label"],
            }
        answer["check"] = {
            "outside": check.outside,
            "distance_m": round(check.distance_m),
            "basis": check.basis,
            "message": message,
        }
    return JsonResponse(answer)


@workspace_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    html = render_markdown(clean_markdown(request.POST.get("text", "")[:20000]))
    return HttpResponse(html, content_type="text/html; charset=utf-8")
