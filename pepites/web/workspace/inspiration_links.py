""" "Inspirée de" links recorded by a centre that knows of a reproduction (without a request),
and the links of the user's centres, which they may remove."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pepites.core.roles import is_national_team
from pepites.initiatives.inspirations import link_inspiration, unlink_inspiration
from pepites.initiatives.models import InitiativeInspiration
from pepites.initiatives.permissions import can_link_inspiration
from pepites.network.roles import centre_ids_of
from pepites.web.formtools import add_service_errors
from pepites.web.workspace.common import workspace_required
from pepites.web.workspace.essaimage_forms import LinkForm


def _links_of(user):
    links = InitiativeInspiration.objects.select_related(
        "source__commune", "reproduction__commune"
    ).order_by("-created_at", "-pk")
    if is_national_team(user):
        return links
    centres = centre_ids_of(user)
    return links.filter(Q(source__centre_id__in=centres) | Q(reproduction__centre_id__in=centres))


@workspace_required
def links(request: HttpRequest) -> HttpResponse:
    form = LinkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            source, reproduction = form.cleaned_data["source"], form.cleaned_data["reproduction"]
            if not can_link_inspiration(request.user, source=source, reproduction=reproduction):
                form.add_error(None, _("Vous ne pouvez relier que les initiatives de vos centres."))
            else:
                try:
                    link_inspiration(source=source, reproduction=reproduction)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Lien « inspirée de » enregistré."))
                    return redirect("workspace:inspiration_links")
    page = Paginator(_links_of(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "web/essaimage/links.html", {"form": form, "page": page}, status=status)


@workspace_required
@require_POST
def unlink(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(
        InitiativeInspiration.objects.select_related("source", "reproduction"), pk=pk
    )
    if not can_link_inspiration(request.user, source=link.source, reproduction=link.reproduction):
        raise PermissionDenied
    unlink_inspiration(source=link.source, reproduction=link.reproduction)
    messages.success(request, _("Lien retiré."))
    return redirect("workspace:inspiration_links")
