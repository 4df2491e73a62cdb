"""Subscribing to a saved search (double opt-in), confirming, unsubscribing (one click from
the e-mail too), and the Atom feed of any search of the map."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from pepites.alerts.searches import describe, normalise, search_form
from pepites.alerts.services import (
    RateLimited,
    confirm,
    consent_text,
    subscribe,
    subscription_from_token,
    unsubscribe,
)
from pepites.core.ratelimit import client_ip
from pepites.initiatives.selectors import filter_published_initiatives
from pepites.web.contributions.forms import AntiSpamForm
from pepites.web.feeds import InitiativesFeed
from pepites.web.formtools import add_service_errors


class SubscribeForm(AntiSpamForm):
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["proposer_name"]
        self.fields["proposer_email"].help_text = gettext_lazy(
            "Un courriel de confirmation vous sera envoyé ; rien avant votre confirmation."
        )
        self.fields["consent"].label = consent_text(label=label)


@never_cache
def subscribe_view(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    query = normalise(source) if request.method == "GET" else request.POST.get("query", "")
    search = search_form(query)
    label = describe(search)
    form = SubscribeForm(request.POST or None, label=label, initial={"query": query})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                subscribe(
                    email=form.cleaned_data["proposer_email"],
                    query_data=search.data,
                    ip=client_ip(request),
                )
            except RateLimited as exc:
                form.add_error(None, str(exc))
                status = 429
            except ValidationError as exc:
                add_service_errors(form, exc, aliases={"email": "proposer_email"})
            else:
                return redirect("alerts:subscribed")
    return render(
        request,
        "web/alerts/subscribe.html",
        {"form": form, "label": label, "query": query},
        status=status,
    )


def subscribed(request: HttpRequest) -> HttpResponse:
    return render(request, "web/alerts/message.html", {"kind": "subscribed"})


@never_cache
def confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        found = confirm(token=token)
        if found is None:
            raise Http404
        return render(request, "web/alerts/message.html", {"kind": "confirmed", "s": found})
    return render(request, "web/alerts/message.html", {"kind": "confirm", "token": token})


@never_cache
@csrf_exempt  # RFC 8058 one-click unsubscribe: a POST from the mail client, no form of ours
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    found = subscription_from_token(token)
    if found is None:
        raise Http404
    if request.method == "POST":
        unsubscribe(subscription=found)
        return render(request, "web/alerts/message.html", {"kind": "unsubscribed", "s": found})
    return render(request, "web/alerts/message.html", {"kind": "unsubscribe", "s": found})


class SearchFeed(InitiativesFeed):
    """/flux/recherche.atom?<the map's filters>: the newest initiatives of that search."""

    def get_object(self, request: HttpRequest, *args, **kwargs):
        return normalise(request.GET)

    def title(self, obj) -> str:
        return "Pépites — " + describe(search_form(obj))

    def path(self, obj) -> str:
        return reverse("alerts:feed") + ("?" + obj if obj else "")

    def filter(self, queryset, obj):
        found = filter_published_initiatives(**search_form(obj).filters())
        results = found.queryset
        if found.ranked_ids is not None:
            results = results.filter(pk__in=found.ranked_ids)
        return queryset.filter(pk__in=results.order_by().values("pk"))
