"""The queue "Demandes d'essaimage": requests routed to the user's centres (the initiative's
referring centre and the requester's), their states, member in charge, notes, reproduction."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pepites.core.roles import is_national_team
from pepites.essaimage import permissions
from pepites.essaimage.models import InspirationRequest, RequestStatus
from pepites.essaimage.selectors import (
    QueueFilters,
    filter_queue,
    get_request,
    requester_history,
    status_counts,
)
from pepites.essaimage.services import (
    add_note,
    assign,
    assignable_users,
    mark_reproduced,
    set_status,
)
from pepites.initiatives.permissions import can_edit_initiative
from pepites.network.models import Centre
from pepites.network.roles import centres_of
from pepites.web.formtools import add_service_errors
from pepites.web.workspace.common import workspace_required
from pepites.web.workspace.essaimage_forms import (
    AssignForm,
    NoteForm,
    QueueFilterForm,
    ReproductionForm,
    StatusForm,
)


def _queue_access(request: HttpRequest) -> None:
    if not permissions.can_use_queue(request.user):
        raise PermissionDenied


@workspace_required
def queue(request: HttpRequest) -> HttpResponse:
    _queue_access(request)
    centres = (
        Centre.objects.order_by("name")
        if is_national_team(request.user)
        else centres_of(request.user)
    )
    form = QueueFilterForm(request.GET or None, centres=centres)
    data = form.cleaned_data if form.is_valid() else {}
    base = permissions.visible_requests(request.user)
    filters = QueueFilters(
        status=data.get("etat") or "",
        centre_id=data.get("centre"),
        mine_user_id=request.user.pk if data.get("suivi") == "moi" else None,
        unassigned=data.get("suivi") == "personne",
        query=data.get("q") or "",
    )
    page = Paginator(filter_queue(base, filters=filters), 30).get_page(request.GET.get("page"))
    counts = status_counts(base)
    return render(
        request,
        "web/essaimage/queue.html",
        {
            "form": form,
            "page": page,
            "counts": [(value, label, counts[value]) for value, label in RequestStatus.choices],
            "total": sum(counts.values()),
        },
    )


def _request_for(request: HttpRequest, pk: int) -> InspirationRequest:
    found = get_request(pk=pk)
    if found is None:
        raise Http404
    if not permissions.can_view_request(request.user, found):
        raise PermissionDenied
    return found


def _detail(request, item, *, status_form=None, assign_form=None, note_form=None, repro_form=None):
    users = assignable_users(request=item)
    context = {
        "item": item,
        "notes": item.notes.select_related("author"),
        "history": requester_history(request=item)[:20],
        "status_form": status_form or StatusForm(initial={"status": item.status}),
        "assign_form": assign_form
        or AssignForm(initial={"assignee": item.assignee_id}, users=users),
        "note_form": note_form or NoteForm(),
        "repro_form": repro_form or ReproductionForm(),
        "can_follow": permissions.can_follow_request(request.user, item),
    }
    status = (
        400
        if any(f is not None for f in (status_form, assign_form, note_form, repro_form))
        else 200
    )
    return render(request, "web/essaimage/request.html", context, status=status)


@workspace_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _request_for(request, pk))


def _follow(request: HttpRequest, pk: int) -> InspirationRequest:
    item = _request_for(request, pk)
    if not permissions.can_follow_request(request.user, item):
        raise PermissionDenied
    return item


@workspace_required
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = _follow(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            set_status(
                request=item,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data.get("reason", ""),
                user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("État enregistré : %(s)s.") % {"s": item.get_status_display()}
            )
            return redirect("workspace:essaimage", pk=item.pk)
    return _detail(request, item, status_form=form)


@workspace_required
@require_POST
def change_assignee(request: HttpRequest, pk: int) -> HttpResponse:
    item = _follow(request, pk)
    users = assignable_users(request=item)
    form = AssignForm(request.POST, users=users)
    if form.is_valid():
        pk_assignee = form.cleaned_data.get("assignee")
        try:
            assign(request=item, assignee=form.users.get(pk_assignee), user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Suivi enregistré."))
            return redirect("workspace:essaimage", pk=item.pk)
    return _detail(request, item, assign_form=form)


@workspace_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    item = _follow(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            add_note(request=item, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Note ajoutée."))
            return redirect("workspace:essaimage", pk=item.pk)
    return _detail(request, item, note_form=form)


@workspace_required
@require_POST
def reproduced(request: HttpRequest, pk: int) -> HttpResponse:
    item = _follow(request, pk)
    form = ReproductionForm(request.POST)
    if form.is_valid():
        reproduction = form.cleaned_data["initiative"]
        if not (
            can_edit_initiative(request.user, reproduction)
            or can_edit_initiative(request.user, item.initiative)
        ):
            form.add_error(
                "initiative", _("Vous ne pouvez relier que les initiatives de vos centres.")
            )
        else:
            try:
                mark_reproduced(request=item, reproduction=reproduction, user=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc, aliases={"reproduction": "initiative"})
            else:
                messages.success(
                    request, _("Demande reproduite : les deux initiatives sont reliées.")
                )
                return redirect("workspace:essaimage", pk=item.pk)
    return _detail(request, item, repro_form=form)
