"""The centres' resources in the workspace: list, create, edit (optimistic locking), history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pepites.core.errors import ConflictError
from pepites.core.roles import is_national_team
from pepites.network.models import Centre
from pepites.network.roles import centres_of
from pepites.resources import permissions
from pepites.resources.models import Resource
from pepites.resources.services import create_resource, update_resource
from pepites.web.formtools import add_service_errors
from pepites.web.resources.forms import ResourceForm
from pepites.web.workspace.common import workspace_required


def _centres_for(user):
    return Centre.objects.order_by("name") if is_national_team(user) else centres_of(user)


@workspace_required
def resource_index(request: HttpRequest) -> HttpResponse:
    resources = (
        permissions.editable_resources(request.user)
        .prefetch_related("centres")
        .order_by("-updated_at")
    )
    return render(
        request,
        "web/resources/workspace_list.html",
        {
            "resources": resources[:200],
            "can_create": permissions.can_create_resource(request.user),
        },
    )


def _form_page(request, form, resource=None, status=200, conflict=None) -> HttpResponse:
    return render(
        request,
        "web/resources/workspace_form.html",
        {"form": form, "resource": resource, "conflict": conflict},
        status=status,
    )


@workspace_required
@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_resource(request.user):
        raise PermissionDenied
    centres = _centres_for(request.user)
    if request.method != "POST":
        return _form_page(request, ResourceForm(centres=centres))
    form = ResourceForm(request.POST, request.FILES, centres=centres)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    values = form.values()
    if not permissions.can_create_resource(
        request.user, centre_ids=[c.pk for c in values["centres"]]
    ):
        raise PermissionDenied
    try:
        resource = create_resource(
            upload=form.cleaned_data["file"] or None,
            checked=form.checked_file,
            user=request.user,
            **values,
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _form_page(request, form, status=400)
    messages.success(request, _("Ressource enregistrée."))
    return redirect("workspace_resource_edit", pk=resource.pk)


@workspace_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    if not permissions.can_edit_resource(request.user, resource):
        raise PermissionDenied
    centres = _centres_for(request.user) | resource.centres.all()
    if request.method != "POST":
        form = ResourceForm(initial=ResourceForm.initial_for(resource), centres=centres.distinct())
        return _form_page(request, form, resource)
    form = ResourceForm(request.POST, request.FILES, centres=centres.distinct())
    if not form.is_valid():
        return _form_page(request, form, resource, status=400)
    values = form.values()
    if values["status"] != resource.status and not permissions.can_publish_resource(
        request.user, resource
    ):
        raise PermissionDenied
    added = {c.pk for c in values["centres"]} - set(resource.centres.values_list("pk", flat=True))
    if added and not permissions.can_create_resource(request.user, centre_ids=added):
        form.add_error("centres", _("Vous ne pouvez pas attribuer cette ressource à ce centre."))
        return _form_page(request, form, resource, status=400)
    try:
        with transaction.atomic():
            update_resource(
                resource=resource,
                expected_version=form.cleaned_data["expected_version"] or 0,
                upload=form.cleaned_data["file"] or None,
                checked=form.checked_file,
                remove_file=form.cleaned_data["remove_file"],
                user=request.user,
                **values,
            )
    except ConflictError as exc:
        # Nothing was written. What this person typed comes back over the current version:
        # sent again, it replaces the other person's changes knowingly (a file is re-attached).
        resource.refresh_from_db()
        data = request.POST.copy()
        data["expected_version"] = str(resource.version)
        form = ResourceForm(data, centres=centres.distinct())
        form.is_valid()
        return _form_page(request, form, resource, status=409, conflict=exc)
    except ValidationError as exc:
        add_service_errors(form, exc)
        resource.refresh_from_db()
        return _form_page(request, form, resource, status=400)
    messages.success(
        request, _("Modifications enregistrées (version %(v)s).") % {"v": resource.version}
    )
    return redirect("workspace_resource_edit", pk=resource.pk)


@workspace_required
def resource_history(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    if not permissions.can_view_resource_history(request.user, resource):
        raise PermissionDenied
    versions = resource.history.select_related("history_user").order_by("-history_date")
    return render(
        request,
        "web/resources/workspace_history.html",
        {"resource": resource, "versions": versions[:100]},
    )
