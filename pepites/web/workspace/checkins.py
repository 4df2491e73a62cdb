"""The centres' view of the yearly check-in: who answered, who did not, and resending a
link (the previous one is revoked)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pepites.initiatives import permissions
from pepites.initiatives.checkins.selectors import STATES, rows_for, with_latest_link
from pepites.initiatives.checkins.services import send_checkin
from pepites.web.workspace.common import initiative_for, workspace_required


@workspace_required
def checkins(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("etat", "")
    if state not in STATES:
        state = ""
    queryset = with_latest_link(
        initiatives=permissions.editable_initiatives(request.user), state=state
    ).order_by("title", "pk")
    page = Paginator(queryset.select_related("centre"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/workspace/checkins.html",
        {
            "page": page,
            "rows": rows_for(list(page.object_list)),
            "state": state,
            "page_query": f"etat={state}" if state else "",
            "states": [
                ("", _("Toutes")),
                ("repondu", _("Ont répondu")),
                ("sans_reponse", _("Sans réponse")),
                ("jamais", _("Jamais sollicitées")),
            ],
        },
    )


@require_POST
@workspace_required
def checkin_resend(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_for(request, pk)
    try:
        link = send_checkin(initiative=initiative, sent_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Lien de bilan envoyé à %(email)s ; le précédent ne fonctionne plus.")
            % {"email": link.email},
        )
    return redirect("workspace:checkins")
