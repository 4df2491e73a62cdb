"""The agenda's public pages: upcoming and past events with filters, an event's page and its
registration form, a registration's own page (confirm, cancel), iCalendar files."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pepites.core.ratelimit import client_ip
from pepites.events import ical, permissions, selectors
from pepites.events.display import paris_label, place_label, when_label
from pepites.events.models import Event
from pepites.events.registrations import (
    RateLimited,
    cancel_registration,
    confirm_registration,
    get_registration,
    register,
    registration_open,
    seats_left,
    waiting_position,
)
from pepites.initiatives.models import Theme
from pepites.network.models import Centre
from pepites.territories.models import Region
from pepites.web.events.attachments import shown
from pepites.web.events.forms import EventFilterForm, RegistrationForm
from pepites.web.formtools import add_service_errors

PER_PAGE = 20


def decorate(event: Event) -> Event:
    """The labels a template shows (times in the event's zone, place)."""
    # Attributes for the templates only, set on this instance (not model fields).
    event.__dict__.update(
        when=when_label(event), paris=paris_label(event), place=place_label(event)
    )
    return event


def _listing(request: HttpRequest, *, past: bool) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.filters()
    select = selectors.past_events if past else selectors.upcoming_events
    events = select(
        kind=filters["kind"],
        theme=filters["theme"],
        centre=filters["centre"],
        region=filters["region"],
    )
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    for event in page.object_list:
        decorate(event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/events/list.html",
        {
            "form": form,
            "page": page,
            "past": past,
            "page_query": query.urlencode(),
            "feed_url": _feed_url(filters),
            "feed_is_all": _feed_url(filters) == reverse("events:feed"),
        },
    )


def _feed_url(filters: dict[str, str]) -> str:
    """The iCalendar feed that matches one filter (centre, theme or région), else all."""
    if filters["centre"]:
        return reverse("events:feed_centre", kwargs={"slug": filters["centre"]})
    if filters["theme"]:
        return reverse("events:feed_theme", kwargs={"slug": filters["theme"]})
    if filters["region"]:
        return reverse("events:feed_region", kwargs={"code": filters["region"]})
    return reverse("events:feed")


def upcoming(request: HttpRequest) -> HttpResponse:
    return _listing(request, past=False)


def past(request: HttpRequest) -> HttpResponse:
    return _listing(request, past=True)


def _event_or_404(request: HttpRequest, slug: str) -> Event:
    event = selectors.get_event(slug=slug)
    if event is None or not permissions.can_view_event(request.user, event):
        raise Http404(_("Aucun événement ne porte cette adresse."))
    return event


def _detail_page(request, event: Event, form: RegistrationForm | None, status: int = 200):
    decorate(event)
    now = timezone.now()
    return render(
        request,
        "web/events/detail.html",
        {
            "event": event,
            "form": form,
            "open": registration_open(event, now=now),
            "is_past": event.ends_at < now,
            "seats_left": seats_left(event) if event.has_built_in_registration else None,
            "attachments": shown(list(event.attachments.all())),
            "can_edit": permissions.can_edit_event(request.user, event),
        },
        status=status,
    )


@never_cache
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    return _detail_page(request, event, RegistrationForm())


@never_cache
@require_http_methods(["POST"])
def register_view(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, event, form, status=400)
    try:
        register(
            event=event,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            organisation=form.cleaned_data.get("organisation", ""),
            consent=form.cleaned_data["consent"],
            ip=client_ip(request),
        )
    except RateLimited as exc:
        form.add_error(None, str(exc))
        return _detail_page(request, event, form, status=429)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail_page(request, event, form, status=400)
    request.session["pepites_event_registration"] = form.cleaned_data["email"]
    return redirect("events:registered", slug=event.slug)


@never_cache
def registered(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    email = request.session.get("pepites_event_registration", "")
    return render(request, "web/events/registered.html", {"event": decorate(event), "email": email})


def _registration_or_404(token: str):
    registration = get_registration(token=token)
    if registration is None:
        raise Http404(_("Ce lien d'inscription n'est pas valide, ou l'inscription a été effacée."))
    return registration


@never_cache
@require_http_methods(["GET", "POST"])
def registration(request: HttpRequest, token: str) -> HttpResponse:
    """A person's registration. GET only shows it (with a button to confirm a pending one:
    mail scanners that open links must not confirm for people)."""
    registration = _registration_or_404(token)
    if request.method == "POST":
        registration = confirm_registration(token=token) or registration
    event = decorate(registration.event)
    return render(
        request,
        "web/events/registration.html",
        {
            "registration": registration,
            "event": event,
            "open": registration_open(event),
            "position": waiting_position(registration),
            "online_url": event.online_url if registration.has_seat else "",
            "is_past": event.ends_at < timezone.now(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_or_404(token)
    error = ""
    if request.method == "POST":
        try:
            cancel_registration(registration=registration)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("events:registration", token=token)
    return render(
        request,
        "web/events/cancel.html",
        {"registration": registration, "event": decorate(registration.event), "error": error},
        status=400 if error else 200,
    )


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    return _ics(ical.event_file(event=event), f"{event.slug}.ics")


def registration_ics(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_or_404(token)
    event = registration.event
    link = event.online_url if registration.has_seat else ""
    return _ics(ical.event_file(event=event, online_url=link), f"{event.slug}.ics")


def _feed(
    name: str, filename: str, *, theme: str = "", centre: str = "", region: str = ""
) -> HttpResponse:
    events = selectors.feed_events(theme=theme, centre=centre, region=region)
    response = HttpResponse(
        ical.feed(events=events, name=name),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def feed(request: HttpRequest) -> HttpResponse:
    return _feed(_("Agenda du réseau — Pépites"), "agenda.ics")


def feed_centre(request: HttpRequest, slug: str) -> HttpResponse:
    centre = Centre.objects.filter(slug=slug).first()
    if centre is None:
        raise Http404
    return _feed(_("Agenda — %(name)s") % {"name": centre.name}, f"agenda-{slug}.ics", centre=slug)


def feed_theme(request: HttpRequest, slug: str) -> HttpResponse:
    theme = Theme.objects.filter(slug=slug).first()
    if theme is None:
        raise Http404
    return _feed(_("Agenda — %(name)s") % {"name": theme.label}, f"agenda-{slug}.ics", theme=slug)


def feed_region(request: HttpRequest, code: str) -> HttpResponse:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return _feed(
        _("Agenda — %(name)s") % {"name": region.name}, f"agenda-region-{code}.ics", region=code
    )
