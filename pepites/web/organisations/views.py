"""The public page of an organisation: who it is and its initiatives in every centre."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pepites.initiatives.porteurs import organisation_initiatives
from pepites.organisations.models import Organisation
from pepites.organisations.sirene import HEADCOUNT_BANDS


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = Organisation.objects.select_related("commune__departement").filter(pk=pk).first()
    if organisation is None:
        raise Http404(_("Aucune organisation ne porte cet identifiant."))
    initiatives = list(organisation_initiatives(organisation=organisation))
    if not initiatives:
        # Only organisations that carry a published initiative have a public page.
        raise Http404(_("Cette organisation ne porte aucune initiative publiée."))
    centres = sorted({i.centre.name for i in initiatives if i.centre is not None})
    return render(
        request,
        "web/organisations/detail.html",
        {
            "organisation": organisation,
            "initiatives": initiatives,
            "centres": centres,
            "headcount": HEADCOUNT_BANDS.get(organisation.headcount_band, ""),
        },
    )
