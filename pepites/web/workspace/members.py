"""The people of a centre: members, pending invitations, inviting someone."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pepites.core.roles import is_national_team
from pepites.network.memberships import (
    invite_member,
    list_members,
    pending_invitations,
    remove_member,
)
from pepites.network.models import Centre, Membership
from pepites.network.permissions import can_invite, can_remove_member, can_view_members
from pepites.network.roles import centres_of
from pepites.web.formtools import add_service_errors
from pepites.web.workspace.common import workspace_required
from pepites.web.workspace.forms import InviteForm


def _centre(request: HttpRequest) -> Centre:
    slug = request.GET.get("centre") or request.POST.get("centre") or ""
    centre: Centre | None
    if slug:
        centre = get_object_or_404(Centre, slug=slug)
    else:
        centre = centres_of(request.user).first() or Centre.objects.order_by("name").first()
    if centre is None or not can_view_members(request.user, centre):
        raise PermissionDenied
    return centre


@workspace_required
def members(request: HttpRequest) -> HttpResponse:
    centre = _centre(request)
    form = InviteForm(request.POST or None, user=request.user, centre=centre)
    if request.method == "POST":
        if not can_invite(
            request.user, centre, role=request.POST.get("role", Membership.Role.MEMBER)
        ):
            raise PermissionDenied
        if form.is_valid():
            try:
                invite_member(
                    centre=centre,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=cast(User, request.user),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect(reverse("workspace:members") + f"?centre={centre.slug}")
    national = is_national_team(request.user)
    return render(
        request,
        "web/workspace/members.html",
        {
            "centre": centre,
            "centres": Centre.objects.order_by("name") if national else centres_of(request.user),
            "members": [
                (m, can_remove_member(request.user, m)) for m in list_members(centre=centre)
            ],
            "invitations": pending_invitations(centre=centre),
            "form": form,
            "can_invite": can_invite(request.user, centre),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@workspace_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("centre", "user"), pk=pk)
    if not can_remove_member(request.user, membership):
        raise PermissionDenied
    remove_member(membership=membership, by=cast(User, request.user))
    messages.success(
        request,
        _("%(who)s ne fait plus partie de %(centre)s.")
        % {
            "who": membership.user.email or membership.user.get_username(),
            "centre": membership.centre.name,
        },
    )
    return redirect(reverse("workspace:members") + f"?centre={membership.centre.slug}")
