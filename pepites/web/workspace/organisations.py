"""/espace/porteurs/: the porteurs (organisations) of the user's initiatives: the merges
proposed (same name once normalised, same commune), the porteurs found closed, and an
organisation's page to give its SIRET and look it up in the directory of companies."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from pepites.initiatives import permissions
from pepites.initiatives.porteurs import (
    closed_porteur_initiatives,
    keep_apart,
    merge_organisations,
    merge_proposals,
)
from pepites.organisations.models import Organisation
from pepites.organisations.services import look_up_organisation, update_organisation
from pepites.organisations.sirene import HEADCOUNT_BANDS, LookupStatus
from pepites.organisations.validators import clean_siret, siret_problem
from pepites.web.formtools import AccessibleErrorsMixin, add_service_errors
from pepites.web.workspace.common import workspace_required


class OrganisationForm(AccessibleErrorsMixin, forms.ModelForm):
    # Typed with spaces as often as not: the digits are checked (and kept) by clean_siret.
    siret = forms.CharField(
        label=gettext_lazy("SIRET"),
        required=False,
        max_length=30,
        help_text=gettext_lazy(
            "14 chiffres, espaces permis ; l'annuaire des entreprises donne ensuite la "
            "dénomination légale, le code NAF, l'effectif et l'état (en activité ou fermé)."
        ),
    )
    website = forms.URLField(
        label=gettext_lazy("Site web"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "siret", "website"]

    def clean_siret(self) -> str:
        siret = clean_siret(self.cleaned_data.get("siret", ""))
        if siret and (problem := siret_problem(siret)):
            raise ValidationError(problem)
        return siret


@workspace_required
def porteurs(request: HttpRequest) -> HttpResponse:
    mine = permissions.editable_initiatives(request.user)
    return render(
        request,
        "web/workspace/porteurs.html",
        {
            "proposals": merge_proposals(initiatives=mine),
            "closed": list(closed_porteur_initiatives(initiatives=mine)),
            "organisations": Organisation.objects.filter(
                pk__in=mine.exclude(organisation=None).values("organisation_id")
            ).select_related("commune"),
        },
    )


@workspace_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("commune"), pk=pk)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(instance=Organisation.objects.get(pk=pk))
    if request.method == "POST" and request.POST.get("action") == "annuaire":
        _look_up(request, organisation)
        return redirect("workspace:organisation", pk=pk)
    if request.method == "POST":
        form = OrganisationForm(request.POST, instance=Organisation.objects.get(pk=pk))
        if form.is_valid():
            try:
                update_organisation(
                    organisation=organisation,
                    **{name: form.cleaned_data[name] for name in OrganisationForm.Meta.fields},
                )
            except ValidationError as exc:
                add_service_errors(cast(forms.Form, form), exc)
            else:
                messages.success(request, _("Organisation enregistrée."))
                if organisation.siret and organisation.looked_up_at is None:
                    _look_up(request, organisation)
                return redirect("workspace:organisation", pk=pk)
    return render(
        request,
        "web/workspace/organisation.html",
        {
            "organisation": organisation,
            "form": form,
            "headcount": HEADCOUNT_BANDS.get(organisation.headcount_band, ""),
            "initiatives": permissions.editable_initiatives(request.user)
            .filter(organisation=organisation)
            .order_by("title"),
        },
    )


def _look_up(request: HttpRequest, organisation: Organisation) -> None:
    if not organisation.siret:
        messages.error(request, _("Indiquez d'abord le SIRET de l'organisation."))
        return
    record = look_up_organisation(organisation=organisation)
    if record.status is LookupStatus.FOUND:
        messages.success(
            request,
            _("Annuaire des entreprises consulté : %(name)s.") % {"name": record.legal_name}
            + (" " + _("Cet établissement est fermé.") if record.is_closed else ""),
        )
    else:
        messages.error(request, record.message)


@require_POST
@workspace_required
def merge(request: HttpRequest) -> HttpResponse:
    ids = {int(v) for v in request.POST.getlist("organisations") if v.isdigit()}
    target_id = request.POST.get("cible", "")
    organisations = list(Organisation.objects.filter(pk__in=ids))
    target = next((o for o in organisations if str(o.pk) == target_id), None)
    if target is None or len(organisations) < 2:
        messages.error(request, _("Choisissez le nom à garder parmi au moins deux organisations."))
        return redirect("workspace:porteurs")
    keys = {(o.normalised_name, o.commune_id) for o in organisations}
    if len(keys) != 1:
        messages.error(
            request, _("Seules des organisations de même nom dans la même commune se fusionnent.")
        )
        return redirect("workspace:porteurs")
    if not permissions.can_merge_organisations(request.user, organisations):
        raise PermissionDenied
    if request.POST.get("action") == "distinctes":
        keep_apart(organisations=organisations)
        messages.success(request, _("Ces organisations restent distinctes."))
        return redirect("workspace:porteurs")
    moved = merge_organisations(target=target, others=organisations)
    messages.success(
        request,
        ngettext(
            "Organisations fusionnées sous « %(name)s » : %(n)s initiative rattachée.",
            "Organisations fusionnées sous « %(name)s » : %(n)s initiatives rattachées.",
            moved,
        )
        % {"name": target.name, "n": moved},
    )
    return redirect("workspace:porteurs")
