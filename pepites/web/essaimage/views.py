"""Public pages of the essaimage: the form "M'en inspirer", its confirmation, and the
reproduction lines of an initiative for the map (a small JSON, apart from the map data)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pepites.core.ratelimit import client_ip
from pepites.essaimage.emails import porteur_may_be_contacted
from pepites.essaimage.services import RateLimited, submit_request
from pepites.initiatives.inspirations import reproduction_lines
from pepites.initiatives.selectors import get_published_initiative
from pepites.web.essaimage.forms import InspirationRequestForm
from pepites.web.formtools import add_service_errors

SESSION_KEY = "pepites_last_inspiration_request"
ALIASES = {
    "requester_name": "proposer_name",
    "requester_email": "proposer_email",
    "commune_code": "commune",
}


def _initiative(slug: str):
    initiative = get_published_initiative(slug=slug)
    if initiative is None:
        raise Http404(_("Aucune initiative publiée ne porte cette adresse."))
    return initiative


@never_cache
def inspire(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _initiative(slug)
    form = InspirationRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                created = submit_request(
                    initiative=initiative,
                    data=form.request_data(),
                    consent=form.cleaned_data["consent"],
                    ip=client_ip(request),
                )
            except RateLimited as exc:
                form.add_error(None, str(exc))
                status = 429
            except ValidationError as exc:
                add_service_errors(form, exc, aliases=ALIASES)
            else:
                request.session[SESSION_KEY] = {
                    "title": initiative.title,
                    "slug": initiative.slug,
                    "referring": created.referring_centre.name if created.referring_centre else "",
                    "local": created.local_centre.name if created.local_centre else "",
                    "email": created.requester_email,
                    "porteur": porteur_may_be_contacted(created),
                }
                return redirect("inspiration_thanks")
    return render(
        request,
        "web/essaimage/inspire.html",
        {"form": form, "initiative": initiative},
        status=status,
    )


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    last = request.session.get(SESSION_KEY)
    if not last:
        return redirect("home")
    return render(request, "web/essaimage/thanks.html", {"last": last})


@require_GET
def lines(request: HttpRequest, slug: str) -> JsonResponse:
    """The initiative, its published reproductions and sources, as points (map lines)."""
    return JsonResponse(reproduction_lines(initiative=_initiative(slug)))
