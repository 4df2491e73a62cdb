"""The centres' workspace: their initiatives, with the form to create and edit one."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pepites.core.errors import ConflictError
from pepites.core.roles import is_national_team
from pepites.initiatives import permissions
from pepites.initiatives.editing import create_initiative_for_centre, save_initiative_edit
from pepites.initiatives.history import changes_since
from pepites.initiatives.images import set_image_hidden
from pepites.initiatives.models import (
    Initiative,
    InitiativeImage,
    InitiativeStatus,
    ProposalStatus,
)
from pepites.initiatives.selectors import to_check_filter
from pepites.initiatives.services import update_initiative
from pepites.network.models import Centre
from pepites.network.roles import centres_of
from pepites.web.formtools import add_service_errors
from pepites.web.workspace.common import initiative_for, workspace_required
from pepites.web.workspace.forms import InitiativeForm

STATE_FILTERS = {
    "": None,
    "brouillon": Q(status=InitiativeStatus.DRAFT),
    "proposee": Q(status=InitiativeStatus.PROPOSED),
    "publiee": Q(status=InitiativeStatus.PUBLISHED),
    "archivee": Q(status=InitiativeStatus.ARCHIVED),
}
# Service errors on fields the form names differently.
FIELD_ALIASES = {
    "commune_code": "commune",
    "theme_slugs": "themes",
    "principal_theme_slug": "principal_theme",
    "qpv": "served_qpvs",
}


def _scope(request: HttpRequest):
    """The user's initiatives, narrowed to one centre when the national team asks."""
    queryset = permissions.editable_initiatives(request.user)
    centre_slug = request.GET.get("centre", "")
    centre = None
    if centre_slug == "aucun":
        queryset = queryset.filter(centre__isnull=True)
    elif centre_slug:
        centre = Centre.objects.filter(slug=centre_slug).first()
        queryset = queryset.filter(centre=centre)
    return queryset, centre_slug, centre


@workspace_required
def index(request: HttpRequest) -> HttpResponse:
    """Their initiatives by state, the proposals waiting, what to check, what changed."""
    queryset, centre_slug, _centre = _scope(request)
    state = request.GET.get("etat", "")
    listed = queryset
    if state == "a_verifier":
        listed = listed.filter(to_check_filter())
    elif STATE_FILTERS.get(state) is not None:
        listed = listed.filter(STATE_FILTERS[state])
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        listed = listed.filter(Q(title__icontains=query) | Q(porteur_name__icontains=query))
    listed = listed.select_related("commune", "centre").order_by("-updated_at", "-pk")
    page = Paginator(listed, 30).get_page(request.GET.get("page"))
    counts = queryset.aggregate(
        total=Count("pk"),
        brouillon=Count("pk", filter=Q(status=InitiativeStatus.DRAFT)),
        proposee=Count("pk", filter=Q(status=InitiativeStatus.PROPOSED)),
        publiee=Count("pk", filter=Q(status=InitiativeStatus.PUBLISHED)),
        archivee=Count("pk", filter=Q(status=InitiativeStatus.ARCHIVED)),
        a_verifier=Count("pk", filter=to_check_filter()),
    )
    queue = permissions.moderation_queue(request.user)
    history = (
        Initiative.history.filter(id__in=queryset.values("pk"))
        .select_related("history_user")
        .order_by("-history_date")[:15]
    )
    national = is_national_team(request.user)
    return render(
        request,
        "web/workspace/index.html",
        {
            "page": page,
            "counts": counts,
            "state": state,
            "query": query,
            "queue_count": queue.count(),
            "queue": queue.select_related("centre", "initiative")[:5],
            "history": history,
            "national": national,
            "centres": Centre.objects.order_by("name") if national else centres_of(request.user),
            "centre_slug": centre_slug,
            "figures": _figures(request),
            "states": [
                ("", _("Toutes"), counts["total"]),
                ("brouillon", _("Brouillons"), counts["brouillon"]),
                ("publiee", _("Publiées"), counts["publiee"]),
                ("archivee", _("Archivées"), counts["archivee"]),
                ("a_verifier", _("À vérifier"), counts["a_verifier"]),
            ],
        },
    )


def _figures(request: HttpRequest) -> dict:
    """The proposals of the user's centres over the last twelve months."""
    from pepites.initiatives.models import Proposal

    since = timezone.now() - timedelta(days=365)
    proposals = Proposal.objects.filter(created_at__gte=since)
    if not is_national_team(request.user):
        proposals = proposals.filter(centre__in=centres_of(request.user))
    return proposals.aggregate(
        received=Count("pk"),
        accepted=Count("pk", filter=Q(status__in=[ProposalStatus.ACCEPTED, ProposalStatus.MERGED])),
        rejected=Count("pk", filter=Q(status=ProposalStatus.REJECTED)),
        pending=Count("pk", filter=Q(status=ProposalStatus.PENDING)),
    )


@workspace_required
def initiative_create(request: HttpRequest) -> HttpResponse:
    form = InitiativeForm(
        request.POST or None, request.FILES or None, user=cast(User, request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative = create_initiative_for_centre(
                user=cast(User, request.user),
                fields=form.create_kwargs(),
                served_qpv_codes=form.cleaned_data.get("served_qpvs") or [],
                image=form.new_image(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=FIELD_ALIASES)
        else:
            messages.success(
                request, _("Initiative « %(title)s » créée.") % {"title": initiative.title}
            )
            return redirect("workspace:initiative_edit", pk=initiative.pk)
    return render(
        request,
        "web/workspace/initiative_form.html",
        {"form": form, "initiative": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@workspace_required
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_for(request, pk)
    if request.method != "POST":
        form = InitiativeForm(
            initial=InitiativeForm.initial_for(initiative),
            user=cast(User, request.user),
            initiative=initiative,
        )
        return _edit_page(request, form, initiative)
    form = InitiativeForm(
        request.POST, request.FILES, user=cast(User, request.user), initiative=initiative
    )
    if not form.is_valid():
        return _edit_page(request, form, initiative, status=400)
    centre = form.chosen_centre()
    try:
        save_initiative_edit(
            initiative=initiative,
            user=cast(User, request.user),
            expected_version=form.cleaned_data["expected_version"],
            fields=form.update_kwargs(),
            centre_slug=centre.slug if centre else "",
            served_qpv_codes=form.cleaned_data.get("served_qpvs") or [],
            image=form.new_image(),
        )
    except ConflictError as exc:
        return conflict_page(request, form=form, initiative_pk=initiative.pk, error=exc)
    except ValidationError as exc:
        add_service_errors(form, exc, aliases=FIELD_ALIASES)
        initiative.refresh_from_db()
        return _edit_page(request, form, initiative, status=400)
    messages.success(
        request, _("Modifications enregistrées (version %(v)s).") % {"v": initiative.version}
    )
    return redirect("workspace:initiative_edit", pk=initiative.pk)


def _edit_page(request, form, initiative, status=200):
    return render(
        request,
        "web/workspace/initiative_form.html",
        {
            "form": form,
            "initiative": initiative,
            "images": list(initiative.images.all()),
            "proposals": initiative.proposals.filter(status=ProposalStatus.PENDING),
        },
        status=status,
    )


def conflict_page(request, *, form, initiative_pk: int, error: ConflictError, template_extra=None):
    """Someone saved in between: nothing of theirs was written. Show what the other person
    changed, and the form with what this person typed, ready to be sent again over the
    current version once they have compared."""
    initiative = Initiative.objects.select_related("commune", "centre").get(pk=initiative_pk)
    changes, versions = changes_since(initiative=initiative, version=error.expected_version)
    data = form.data.copy()
    data["expected_version"] = str(initiative.version)
    retry = InitiativeForm(data, user=cast(User, request.user), initiative=initiative)
    retry.is_valid()
    return render(
        request,
        "web/workspace/conflict.html",
        {
            "form": retry,
            "initiative": initiative,
            "error": error,
            "changes": changes,
            "versions": versions,
            "lost_image": bool(form.files.get("image")),
            **(template_extra or {}),
        },
        status=409,
    )


@workspace_required
@require_POST
def initiative_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish, archive, put back as draft, or mark as checked, in one click."""
    initiative = initiative_for(request, pk)
    action = request.POST.get("action", "")
    fields: dict = {}
    if action == "publier":
        if not permissions.can_publish_initiative(request.user, initiative):
            raise PermissionDenied
        fields = {"status": InitiativeStatus.PUBLISHED}
        done = _("Initiative publiée.")
    elif action == "archiver":
        if not permissions.can_archive_initiative(request.user, initiative):
            raise PermissionDenied
        fields = {"status": InitiativeStatus.ARCHIVED}
        done = _("Initiative archivée : elle n'apparaît plus sur la carte.")
    elif action == "brouillon":
        if not permissions.can_archive_initiative(request.user, initiative):
            raise PermissionDenied
        fields = {"status": InitiativeStatus.DRAFT}
        done = _("Initiative repassée en brouillon : elle n'apparaît plus sur la carte.")
    elif action == "verifiee":
        fields = {"last_checked_at": timezone.now()}
        done = _("Initiative marquée comme vérifiée aujourd'hui.")
    else:
        messages.error(request, _("Action inconnue."))
        return redirect("workspace:initiative_edit", pk=pk)
    try:
        expected = int(request.POST.get("expected_version", ""))
    except ValueError:
        expected = -1
    try:
        update_initiative(
            initiative=initiative,
            expected_version=expected,
            history_user=cast(User, request.user),
            **fields,
        )
    except ConflictError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    after = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()}):
        after = ""  # only back to a page of this site
    return redirect(after or "workspace:index")


@workspace_required
@require_POST
def image_visibility(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    initiative = initiative_for(request, pk)
    image = InitiativeImage.objects.filter(initiative=initiative, pk=image_pk).first()
    if image is None:
        raise PermissionDenied
    set_image_hidden(image=image, hidden=request.POST.get("hidden") == "1")
    messages.success(request, _("Image masquée.") if image.is_hidden else _("Image affichée."))
    return redirect("workspace:initiative_edit", pk=pk)
