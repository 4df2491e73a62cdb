"""The centres' workspace for the agenda: their events (create, edit under optimistic
locking, publish, cancel, history), registrations (list, CSV export, message) and the
replay, report or resources attached after the event."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.core.errors import ConflictError
from pepites.core.spreadsheet import SafeCsvWriter
from pepites.events import permissions, selectors
from pepites.events.messaging import send_message
from pepites.events.models import Event, EventAttachment, EventStatus
from pepites.events.services import (
    add_attachment,
    create_event,
    remove_attachment,
    set_event_status,
    update_event,
)
from pepites.events.timezones import in_zone
from pepites.web.events.attachments import shown
from pepites.web.events.forms import AttachmentForm, EventForm, MessageForm
from pepites.web.events.views import decorate
from pepites.web.formtools import add_service_errors
from pepites.web.workspace.common import workspace_required

# Service errors on fields the form names differently.
FIELD_ALIASES = {
    "commune_code": "commune",
    "theme_slugs": "themes",
    "initiative_ids": "initiatives",
    "starts_local": "start_time",
    "ends_local": "end_time",
}


def _event_for(request: HttpRequest, pk: int, check=permissions.can_edit_event) -> Event:
    event = get_object_or_404(Event.objects.select_related("commune"), pk=pk)
    if not check(request.user, event):
        raise PermissionDenied
    return event


@workspace_required
def index(request: HttpRequest) -> HttpResponse:
    events = selectors.with_registration_counts(
        permissions.editable_events(request.user).prefetch_related("centres")
    )
    when = request.GET.get("quand", "")
    now = timezone.now()
    events = (
        events.filter(ends_at__lt=now).order_by("-starts_at")
        if when == "passes"
        else events.filter(ends_at__gte=now).order_by("starts_at")
    )
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    for event in page.object_list:
        decorate(event)
    return render(request, "web/events/workspace/index.html", {"page": page, "when": when})


def _centres_error(form: EventForm, request: HttpRequest) -> bool:
    centres = form.cleaned_data.get("centres") or []
    if permissions.can_create_event(request.user, centres=centres):
        return False
    form.add_error("centres", _("Choisissez au moins un des centres dont vous êtes membre."))
    return True


@workspace_required
def create(request: HttpRequest) -> HttpResponse:
    form = EventForm(
        request.POST or None,
        initial={"status": EventStatus.DRAFT, "kind": "rencontre", "registration_mode": "pepites"},
    )
    if request.method == "POST" and form.is_valid() and not _centres_error(form, request):
        try:
            event = create_event(data=form.event_input(), user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=FIELD_ALIASES)
        else:
            messages.success(request, _("Événement « %(title)s » créé.") % {"title": event.title})
            return redirect("events_workspace:edit", pk=event.pk)
    return render(
        request,
        "web/events/workspace/form.html",
        {"form": form, "event": None},
        status=400 if form.is_bound and form.errors else 200,
    )


def _edit_page(request, form, event, status=200):
    return render(
        request,
        "web/events/workspace/form.html",
        {
            "form": form,
            "event": decorate(event),
            "attachments": shown(list(event.attachments.all())),
            "attachment_form": AttachmentForm(),
            "counts": selectors.registration_counts(event=event),
        },
        status=status,
    )


@workspace_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk)
    if request.method != "POST":
        return _edit_page(request, EventForm(initial=EventForm.initial_for(event)), event)
    form = EventForm(request.POST)
    if not form.is_valid() or _centres_error(form, request):
        return _edit_page(request, form, event, status=400)
    try:
        update_event(
            event=event,
            data=form.event_input(),
            expected_version=form.cleaned_data.get("expected_version") or -1,
            user=request.user,
        )
    except ConflictError as exc:
        event.refresh_from_db()
        data = request.POST.copy()
        data["expected_version"] = str(event.version)
        retry = EventForm(data)
        retry.is_valid()
        retry.add_error(None, str(exc))
        return _edit_page(request, retry, event, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc, aliases=FIELD_ALIASES)
        event.refresh_from_db()
        return _edit_page(request, form, event, status=400)
    messages.success(
        request, _("Modifications enregistrées (version %(v)s).") % {"v": event.version}
    )
    return redirect("events_workspace:edit", pk=event.pk)


@workspace_required
@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk)
    actions = {
        "publier": (permissions.can_publish_event, EventStatus.PUBLISHED, _("Événement publié.")),
        "brouillon": (
            permissions.can_publish_event,
            EventStatus.DRAFT,
            _("Événement repassé en brouillon : il n'est plus affiché."),
        ),
        "annuler": (
            permissions.can_cancel_event,
            EventStatus.CANCELLED,
            _("Événement annulé : les personnes inscrites sont prévenues par courriel."),
        ),
    }
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Action inconnue."))
        return redirect("events_workspace:edit", pk=pk)
    check, status, done = action
    if not check(request.user, event):
        raise PermissionDenied
    try:
        expected = int(request.POST.get("expected_version", ""))
    except ValueError:
        expected = -1
    try:
        set_event_status(event=event, status=status, expected_version=expected, user=request.user)
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("events_workspace:edit", pk=pk)


@workspace_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk, permissions.can_view_event_history)
    records = list(
        event.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    fields = [
        "title",
        "kind",
        "summary",
        "description",
        "starts_at",
        "ends_at",
        "time_zone",
        "is_online",
        "online_url",
        "venue",
        "address",
        "commune_id",
        "audience",
        "capacity",
        "registration_mode",
        "registration_url",
        "status",
    ]
    versions = []
    for index, current in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = [
            str(getattr(Event._meta.get_field(name.removesuffix("_id")), "verbose_name", name))
            for name in fields
            if previous is not None and getattr(previous, name) != getattr(current, name)
        ]
        versions.append(
            {
                "record": current,
                "starts": in_zone(current.starts_at, current.time_zone),
                "changed": changed,
            }
        )
    return render(
        request, "web/events/workspace/history.html", {"event": event, "versions": versions}
    )


@workspace_required
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk, permissions.can_view_registrations)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not permissions.can_message_registrants(request.user, event):
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                message = send_message(event=event, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Message envoyé à %(n)s personne(s) (par la file d'envoi).")
                    % {"n": message.recipients},
                )
                return redirect("events_workspace:registrations", pk=pk)
    return render(
        request,
        "web/events/workspace/registrations.html",
        {
            "event": decorate(event),
            "registrations": selectors.registrations_of(event=event),
            "counts": selectors.registration_counts(event=event),
            "form": form,
            "sent": event.messages.select_related("sent_by")[:20],
        },
        status=status,
    )


@workspace_required
def registrations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk, permissions.can_export_registrations)
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(
        [
            _("nom"),
            _("adresse électronique"),
            _("structure"),
            _("état"),
            _("demandée le"),
            _("place attribuée le"),
        ]
    )
    for registration in selectors.registrations_of(event=event):
        writer.writerow(
            [
                registration.name,
                registration.email,
                registration.organisation,
                str(registration.get_status_display()),
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(registration.seated_at).strftime("%Y-%m-%d %H:%M")
                if registration.seated_at
                else "",
            ]
        )
    record(
        action=Action.PERSONAL_EXPORT,
        actor=request.user,
        target=event,
        details={"export": "inscriptions"},
    )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.slug}.csv"'
    return response


@workspace_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk)
    form = AttachmentForm(request.POST)
    if form.is_valid():
        try:
            add_attachment(event=event, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Pièce ajoutée à l'événement."))
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[n].label} : {' '.join(str(m) for m in e)}"
                if n in form.fields
                else " ".join(str(m) for m in e)
                for n, e in form.errors.items()
            ),
        )
    return redirect("events_workspace:edit", pk=pk)


@workspace_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    event = _event_for(request, pk)
    attachment = get_object_or_404(EventAttachment, event=event, pk=attachment_pk)
    remove_attachment(attachment=attachment)
    messages.success(request, _("Pièce retirée."))
    return redirect("events_workspace:edit", pk=pk)
