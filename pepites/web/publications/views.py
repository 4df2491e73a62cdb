"""Public pages of the publications: list, issue, PDF, portfolio, subscription."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from pepites.core import ratelimit
from pepites.publications.models import Issue, Series
from pepites.publications.pdf import issue_pdf, issue_pdf_filename, portfolio_pdf
from pepites.publications.selectors import (
    PORTFOLIO_MAX_CARDS,
    PortfolioFilters,
    featured_cards,
    get_issue,
    list_series,
    portfolio_initiatives,
    publication_themes,
    published_issues,
)
from pepites.publications.subscriptions import (
    confirm_subscription,
    consent_text,
    pending_subscriber,
    subscribe,
    subscriber_from_unsubscribe_token,
    unsubscribe,
)
from pepites.publications.text import render_body
from pepites.web.publications.forms import PortfolioForm, SubscribeForm

ISSUES_PER_PAGE = 20
# Subscription requests per client address and hour: each one may send an e-mail.
SUBSCRIBE_LIMIT = 10
SUBSCRIBE_WINDOW = timedelta(hours=1)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    themes = list(publication_themes())
    theme = next((t for t in themes if t.slug == request.GET.get("theme")), None)
    issues = published_issues(theme_slug=theme.slug if theme else None)
    page = Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/publications/index.html",
        {"series_list": list_series(), "themes": themes, "theme": theme, "page": page},
    )


@require_GET
def series_detail(request: HttpRequest, series: str) -> HttpResponse:
    series_obj = get_object_or_404(Series, slug=series)
    return render(
        request,
        "web/publications/series_detail.html",
        {
            "series": series_obj,
            "issues": published_issues(series=series_obj),
            "form": SubscribeForm(consent_label=consent_text(series=series_obj)),
        },
    )


def issue_page_context(issue: Issue) -> dict:
    """What the issue page shows, for the public page and the editors' preview alike."""
    articles = [
        {"article": a, "anchor": f"article-{i}", "body": render_body(a.body)}
        for i, a in enumerate(issue.articles.all(), start=1)
    ]
    return {
        "issue": issue,
        "series": issue.series,
        "themes": list(issue.themes.all()),
        "editorial": render_body(issue.editorial),
        "articles": articles,
        "cards": featured_cards(issue=issue),
    }


def _visible_issue(request: HttpRequest, series: str, number: int) -> Issue:
    issue = get_issue(series_slug=series, number=number)
    # A draft is not found for those who may not see it: its existence stays private.
    if issue is None or not issue.is_published:
        raise Http404
    return issue


@require_GET
def issue_detail(request: HttpRequest, series: str, number: int) -> HttpResponse:
    issue = _visible_issue(request, series, number)
    return render(request, "web/publications/issue_detail.html", issue_page_context(issue))


def pdf_response(name: str, filename: str, *, attachment: bool) -> FileResponse:
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=attachment,
        filename=filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def issue_pdf_view(request: HttpRequest, series: str, number: int) -> FileResponse:
    issue = _visible_issue(request, series, number)
    return pdf_response(issue_pdf(issue=issue), issue_pdf_filename(issue), attachment=True)


# --- Portfolio ------------------------------------------------------------------------------


def _portfolio_filters(form: PortfolioForm) -> PortfolioFilters:
    data = form.cleaned_data
    return PortfolioFilters(
        theme=data.get("theme"),
        region=data.get("region"),
        departement=data.get("departement"),
        centre=data.get("centre"),
    )


@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    form = PortfolioForm(request.GET)  # every filter is optional: no filter, every initiative
    context = {"form": form, "max_cards": PORTFOLIO_MAX_CARDS}
    if not form.is_valid():
        return render(request, "web/publications/portfolio.html", context, status=400)
    filters = _portfolio_filters(form)
    total = portfolio_initiatives(filters=filters).count()
    context.update(
        filters=filters,
        total=total,
        capped=total > PORTFOLIO_MAX_CARDS,
        query=request.GET.urlencode(),
    )
    return render(request, "web/publications/portfolio.html", context)


@require_GET
def portfolio_pdf_view(request: HttpRequest) -> HttpResponse | FileResponse:
    form = PortfolioForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "web/publications/portfolio.html",
            {"form": form, "max_cards": PORTFOLIO_MAX_CARDS},
            status=400,
        )
    result = portfolio_pdf(filters=_portfolio_filters(form))
    return pdf_response(result.name, "portfolio-pepites.pdf", attachment=True)


# --- Subscription ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subscribe_view(request: HttpRequest, series: str) -> HttpResponse:
    series_obj = get_object_or_404(Series, slug=series)
    label = consent_text(series=series_obj)
    form = SubscribeForm(request.POST or None, consent_label=label)
    if request.method == "POST":
        if form.is_robot():
            return render(request, "web/publications/subscribe_done.html", {"series": series_obj})
        key = f"publications-subscribe:{ratelimit.hashed(ratelimit.client_ip(request))}"
        if not ratelimit.consume(keys=[key], limit=SUBSCRIBE_LIMIT, window=SUBSCRIBE_WINDOW):
            form.add_error(
                None,
                _(
                    "Trop de demandes d'abonnement depuis votre connexion : réessayez dans une heure."
                ),
            )
            return render(
                request,
                "web/publications/subscribe.html",
                {"series": series_obj, "form": form},
                status=429,
            )
        if form.is_valid():
            subscribe(series=series_obj, email=form.cleaned_data["email"])
            # The same answer whether the address was new, pending or already subscribed.
            return render(request, "web/publications/subscribe_done.html", {"series": series_obj})
    return render(
        request,
        "web/publications/subscribe.html",
        {"series": series_obj, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that open links must not confirm for people.
    if request.method == "POST":
        subscriber = confirm_subscription(token=token)
        if subscriber is None:
            return render(request, "web/publications/link_invalid.html", status=404)
        return render(request, "web/publications/confirmed.html", {"series": subscriber.series})
    subscriber = pending_subscriber(token=token)
    if subscriber is None:
        return render(request, "web/publications/link_invalid.html", status=404)
    return render(request, "web/publications/confirm.html", {"series": subscriber.series})


@csrf_exempt  # the signed token is the credential; mail clients' one-click POST has no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriber_from_unsubscribe_token(token)
    if subscriber is None:
        return render(request, "web/publications/link_invalid.html", status=404)
    if request.method == "POST":
        unsubscribe(subscriber=subscriber)
        return render(request, "web/publications/unsubscribed.html", {"series": subscriber.series})
    return render(request, "web/publications/unsubscribe.html", {"series": subscriber.series})
