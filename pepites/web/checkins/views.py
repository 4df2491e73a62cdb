"""The porteur's check-in page, reached from the yearly e-mail's private link."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from pepites.core.ratelimit import client_ip
from pepites.initiatives.checkins.links import LinkRefused, read_key
from pepites.initiatives.checkins.models import CheckinPurpose
from pepites.initiatives.checkins.services import answer_checkin
from pepites.initiatives.contributions.submission import RateLimited
from pepites.web.checkins.forms import CheckinForm
from pepites.web.formtools import add_service_errors

SESSION_KEY = "pepites_last_checkin"
ALIASES = {"year": "figures_year", "comment": "figures_comment"}


def _refused(request: HttpRequest, exc: LinkRefused) -> HttpResponse:
    return render(request, "web/checkins/refused.html", {"error": exc}, status=exc.status)


@never_cache
def checkin(request: HttpRequest, key: str) -> HttpResponse:
    try:
        link = read_key(key, purpose=CheckinPurpose.YEARLY)
    except LinkRefused as exc:
        return _refused(request, exc)
    initiative = link.initiative
    form = CheckinForm(request.POST or None, initiative=initiative)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                answered = answer_checkin(
                    key=key,
                    answer=form.cleaned_data["answer"],
                    ip=client_ip(request),
                    changes=form.changes(),
                    figures_year=form.cleaned_data["figures_year"],
                    figures=form.figures(),
                    message=form.cleaned_data.get("message", ""),
                )
            except LinkRefused as exc:
                return _refused(request, exc)
            except RateLimited as exc:
                form.add_error(None, str(exc))
                status = 429
            except ValidationError as exc:
                add_service_errors(form, exc, aliases=ALIASES)
            else:
                request.session[SESSION_KEY] = {
                    "answer": answered.answer,
                    "title": initiative.title,
                    "centre": initiative.centre.name if initiative.centre else "",
                }
                return redirect("checkin_thanks")
    return render(
        request,
        "web/checkins/checkin.html",
        {"form": form, "initiative": initiative, "link": link},
        status=status,
    )


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    last = request.session.get(SESSION_KEY)
    if not last:
        return redirect("home")
    return render(request, "web/checkins/thanks.html", {"last": last})
