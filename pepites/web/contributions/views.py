"""Public contributions: propose an initiative, suggest a correction of a published one."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pepites.core.ratelimit import client_ip
from pepites.initiatives.contributions.submission import RateLimited, submit_proposal
from pepites.initiatives.models import ProposalKind
from pepites.initiatives.selectors import get_published_initiative
from pepites.web.contributions.forms import CorrectionForm, ProposalForm
from pepites.web.formtools import add_service_errors

SESSION_KEY = "pepites_last_proposal"
ALIASES = {"commune_code": "commune", "theme_slugs": "themes"}


def _remember(request: HttpRequest, proposal) -> None:
    request.session[SESSION_KEY] = {
        "kind": proposal.kind,
        "centre": proposal.centre.name if proposal.centre else "",
        "email": proposal.proposer_email,
    }


def _submit(request, form, **kwargs):
    """Submit through the service; errors go back onto the form. Returns the proposal or
    None, and the HTTP status of the page to show again."""
    try:
        proposal = submit_proposal(
            proposer_email=form.cleaned_data["proposer_email"],
            proposer_name=form.cleaned_data.get("proposer_name", ""),
            consent=form.cleaned_data["consent"],
            message=form.cleaned_data.get("message", ""),
            ip=client_ip(request),
            **kwargs,
        )
    except RateLimited as exc:
        form.add_error(None, str(exc))
        return None, 429
    except ValidationError as exc:
        add_service_errors(form, exc, aliases=ALIASES)
        return None, 400
    _remember(request, proposal)
    return proposal, 200


@never_cache
def propose(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            proposal, status = _submit(
                request, form, kind=ProposalKind.NEW, data=form.proposal_data()
            )
            if proposal is not None:
                return redirect("proposal_thanks")
    return render(request, "web/contributions/propose.html", {"form": form}, status=status)


@never_cache
def correction(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = get_published_initiative(slug=slug)
    if initiative is None:
        raise Http404(_("Aucune initiative publiée ne porte cette adresse."))
    form = CorrectionForm(request.POST or None, initiative=initiative)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            proposal, status = _submit(
                request,
                form,
                kind=ProposalKind.CORRECTION,
                data=form.correction_data(),
                initiative=initiative,
            )
            if proposal is not None:
                return redirect("proposal_thanks")
    return render(
        request,
        "web/contributions/correction.html",
        {"form": form, "initiative": initiative, "centre": initiative.centre},
        status=status,
    )


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    last = request.session.get(SESSION_KEY)
    if not last:
        return redirect("proposal_create")
    return render(request, "web/contributions/thanks.html", {"last": last})
