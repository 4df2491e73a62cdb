"""What every workspace view shares: access checks and the objects a URL designates."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pepites.initiatives import permissions
from pepites.initiatives.contributions.selectors import get_proposal
from pepites.initiatives.models import Initiative, Proposal
from pepites.network.permissions import can_access_workspace


def workspace_required(view):
    """Logged in (else the login page) and member of a centre or of the national team."""

    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_access_workspace(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def initiative_for(
    request: HttpRequest, pk: int, check=permissions.can_edit_initiative
) -> Initiative:
    initiative = get_object_or_404(
        Initiative.objects.select_related("commune", "centre", "principal_theme"), pk=pk
    )
    if not check(request.user, initiative):
        raise PermissionDenied
    return initiative


def proposal_for(request: HttpRequest, pk: int) -> Proposal:
    proposal = get_proposal(pk=pk)
    if proposal is None:
        raise Http404
    if not permissions.can_moderate(request.user, proposal):
        raise PermissionDenied
    return proposal
