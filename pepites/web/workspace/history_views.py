"""The history of an initiative: its versions, what changed in each, and restoring one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pepites.core.errors import ConflictError
from pepites.initiatives import permissions
from pepites.initiatives.history import diff_records, get_version, list_versions
from pepites.initiatives.services import restore_initiative_version
from pepites.web.workspace.common import initiative_for, workspace_required


@workspace_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_for(request, pk, permissions.can_view_history)
    return render(
        request,
        "web/workspace/history.html",
        {
            "initiative": initiative,
            "versions": list_versions(initiative=initiative),
            "can_restore": permissions.can_edit_initiative(request.user, initiative),
        },
    )


@workspace_required
def version_detail(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    initiative = initiative_for(request, pk, permissions.can_view_history)
    found = get_version(initiative=initiative, history_id=history_id)
    if found is None:
        raise Http404
    record, previous = found
    current = initiative.history.order_by("-history_date", "-history_id").first()
    return render(
        request,
        "web/workspace/version.html",
        {
            "initiative": initiative,
            "record": record,
            "previous": previous,
            "changes": diff_records(previous, record),
            # What a restore would change in the current version.
            "restore_changes": diff_records(current, record) if current != record else [],
            "is_current": current == record,
            "can_restore": permissions.can_edit_initiative(request.user, initiative),
        },
    )


@workspace_required
@require_POST
def restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    initiative = initiative_for(request, pk, permissions.can_edit_initiative)
    try:
        expected = int(request.POST.get("expected_version", ""))
    except ValueError:
        expected = -1
    try:
        restore_initiative_version(
            initiative=initiative,
            history_id=history_id,
            user=request.user,
            expected_version=expected,
        )
    except ConflictError as exc:
        messages.error(request, str(exc))
        return redirect("workspace:version", pk=pk, history_id=history_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workspace:history", pk=pk)
    messages.success(
        request,
        _("Version restaurée : elle devient la version %(v)s de la fiche.")
        % {"v": initiative.version},
    )
    return redirect("workspace:history", pk=pk)
