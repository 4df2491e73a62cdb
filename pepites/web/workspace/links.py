"""/espace/liens/: the public links of the user's initiatives that no longer answer."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pepites.initiatives import permissions
from pepites.initiatives.links import broken_links
from pepites.initiatives.models import LinkCheck
from pepites.web.workspace.common import workspace_required


@workspace_required
def links_to_fix(request: HttpRequest) -> HttpResponse:
    links = list(
        broken_links().filter(initiative__in=permissions.editable_initiatives(request.user))
    )
    checks = {c.url: c for c in LinkCheck.objects.filter(url__in={link.url for link in links})}
    return render(
        request,
        "web/workspace/links.html",
        {"rows": [(link, checks[link.url]) for link in links if link.url in checks]},
    )
