"""Moderation: the queue of proposals, and accepting (possibly edited), merging into an
existing initiative, or rejecting with a reason sent to the proposer."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pepites.core.errors import ConflictError
from pepites.initiatives import permissions
from pepites.initiatives.contributions.duplicates import duplicates_of_proposal
from pepites.initiatives.contributions.moderation import (
    accept_reviewed_proposal,
    merge_reviewed_proposal,
    reject_proposal,
)
from pepites.initiatives.contributions.selectors import (
    correction_changes,
    proposal_fields,
    proposal_initial,
)
from pepites.initiatives.models import Initiative, InitiativeStatus, ProposalKind, ProposalStatus
from pepites.territories.models import Commune
from pepites.web.formtools import add_service_errors
from pepites.web.workspace.common import initiative_for, proposal_for, workspace_required
from pepites.web.workspace.forms import InitiativeForm, RejectForm
from pepites.web.workspace.views import FIELD_ALIASES, conflict_page


@workspace_required
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("etat", ProposalStatus.PENDING)
    if status not in ProposalStatus.values and status != "toutes":
        status = ProposalStatus.PENDING
    if status == ProposalStatus.PENDING:
        base = permissions.moderation_queue(request.user)
    else:
        base = permissions.moderated_proposals(request.user).order_by("-created_at")
        if status != "toutes":
            base = base.filter(status=status)
    page = Paginator(base.select_related("centre", "initiative", "commune"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/workspace/queue.html",
        {"page": page, "status": status, "statuses": ProposalStatus.choices},
    )


def _new_initial(proposal) -> dict:
    data = proposal_initial(proposal=proposal)
    initial = {
        name: data.get(name, "")
        for name in ("title", "summary", "porteur_name", "actions", "results", "address")
    }
    initial["commune"] = Commune.objects.filter(code=data.get("commune_code", "")).first()
    initial["themes"] = data.get("theme_slugs", [])
    initial["status"] = InitiativeStatus.PUBLISHED
    initial["centre"] = proposal.centre.slug if proposal.centre else ""
    initial["is_running"] = True
    return initial


def _correction_initial(proposal) -> dict:
    initial = InitiativeForm.initial_for(proposal.initiative)
    initial.update(proposal.data)
    if proposal.checkin_links.exists():  # the porteur's yearly answer: checked by them
        initial["checked"] = True
    return initial


def _review_context(request, proposal, form, reject_form):
    return {
        "proposal": proposal,
        "form": form,
        "reject_form": reject_form,
        "changes": correction_changes(proposal=proposal)
        if proposal.kind == ProposalKind.CORRECTION
        else [],
        "duplicates": duplicates_of_proposal(proposal=proposal)
        if proposal.kind == ProposalKind.NEW
        else [],
        "initiative": proposal.initiative,
        "proposed": proposal_fields(proposal=proposal),
    }


@workspace_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal, the form to accept it (edited if need be), the likely duplicates."""
    proposal = proposal_for(request, pk)
    form = reject_form = None
    if proposal.status == ProposalStatus.PENDING:
        if proposal.kind == ProposalKind.NEW:
            form = InitiativeForm(initial=_new_initial(proposal), user=cast(User, request.user))
        elif proposal.initiative is not None:
            form = InitiativeForm(
                initial=_correction_initial(proposal),
                user=cast(User, request.user),
                initiative=proposal.initiative,
            )
        reject_form = RejectForm()
    return render(
        request, "web/workspace/review.html", _review_context(request, proposal, form, reject_form)
    )


@workspace_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for(request, pk)
    target = proposal.initiative if proposal.kind == ProposalKind.CORRECTION else None
    if target is not None and not permissions.can_edit_initiative(request.user, target):
        raise PermissionDenied
    form = InitiativeForm(
        request.POST, request.FILES, user=cast(User, request.user), initiative=target
    )
    if form.is_valid():
        try:
            initiative = accept_reviewed_proposal(
                proposal=proposal,
                user=cast(User, request.user),
                fields=form.create_kwargs() if target is None else form.update_kwargs(),
                expected_version=None if target is None else form.cleaned_data["expected_version"],
                served_qpv_codes=form.cleaned_data.get("served_qpvs") or [],
                image=form.new_image(),
            )
        except ConflictError as exc:
            return conflict_page(
                request,
                form=form,
                initiative_pk=cast(Initiative, target).pk,  # a conflict needs a version
                error=exc,
                template_extra={"proposal": proposal},
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=FIELD_ALIASES)
        else:
            messages.success(
                request,
                _("Proposition acceptée : « %(title)s » est enregistrée (%(status)s).")
                % {"title": initiative.title, "status": initiative.get_status_display().lower()},
            )
            # On the new record, where the moderator usually goes on (checks, publishes).
            return redirect("workspace:initiative_edit", pk=initiative.pk)
    context = _review_context(request, proposal, form, RejectForm())
    return render(request, "web/workspace/review.html", context, status=400)


@workspace_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for(request, pk)
    reject_form = RejectForm(request.POST)
    if reject_form.is_valid():
        try:
            reject_proposal(
                proposal=proposal,
                user=cast(User, request.user),
                reason=reject_form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(reject_form, exc)
        else:
            messages.success(
                request, _("Proposition refusée ; le motif a été envoyé à son auteur.")
            )
            return redirect("workspace:queue")
    form = None
    if proposal.status == ProposalStatus.PENDING and proposal.kind == ProposalKind.NEW:
        form = InitiativeForm(initial=_new_initial(proposal), user=cast(User, request.user))
    elif proposal.status == ProposalStatus.PENDING and proposal.initiative is not None:
        form = InitiativeForm(
            initial=_correction_initial(proposal),
            user=cast(User, request.user),
            initiative=proposal.initiative,
        )
    return render(
        request,
        "web/workspace/review.html",
        _review_context(request, proposal, form, reject_form),
        status=400,
    )


def _merge_initial(proposal, target: Initiative) -> dict:
    """The target as it is, its empty fields completed with the proposal's."""
    initial = InitiativeForm.initial_for(target)
    for name in ("summary", "actions", "results", "address", "porteur_name"):
        if not initial.get(name) and proposal.data.get(name):
            initial[name] = proposal.data[name]
    extra = [slug for slug in proposal.data.get("theme_slugs", []) if slug not in initial["themes"]]
    initial["themes"] = [*initial["themes"], *extra]
    return initial


@workspace_required
def merge(request: HttpRequest, pk: int, initiative_pk: int) -> HttpResponse:
    proposal = proposal_for(request, pk)
    if proposal.kind != ProposalKind.NEW or proposal.status != ProposalStatus.PENDING:
        messages.error(
            request, _("Seule une proposition de nouvelle initiative en attente se fusionne.")
        )
        return redirect("workspace:proposal", pk=pk)
    target = initiative_for(request, initiative_pk, permissions.can_edit_initiative)
    if request.method == "POST":
        form = InitiativeForm(
            request.POST, request.FILES, user=cast(User, request.user), initiative=target
        )
        if form.is_valid():
            try:
                merge_reviewed_proposal(
                    proposal=proposal,
                    target=target,
                    user=cast(User, request.user),
                    expected_version=form.cleaned_data["expected_version"],
                    fields=form.update_kwargs(),
                    served_qpv_codes=form.cleaned_data.get("served_qpvs") or [],
                )
            except ConflictError as exc:
                return conflict_page(
                    request,
                    form=form,
                    initiative_pk=target.pk,
                    error=exc,
                    template_extra={"proposal": proposal},
                )
            except ValidationError as exc:
                add_service_errors(form, exc, aliases=FIELD_ALIASES)
            else:
                messages.success(
                    request,
                    _("Proposition fusionnée dans « %(title)s ».") % {"title": target.title},
                )
                return redirect("workspace:queue")
        status = 400
    else:
        form = InitiativeForm(
            initial=_merge_initial(proposal, target),
            user=cast(User, request.user),
            initiative=target,
        )
        status = 200
    return render(
        request,
        "web/workspace/merge.html",
        {
            "proposal": proposal,
            "target": target,
            "form": form,
            "initiative": target,
            "proposed": proposal_fields(proposal=proposal),
        },
        status=status,
    )
