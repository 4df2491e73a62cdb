"""/espace/moissons/: the centres' own maps harvested on a schedule; each source's state,
and the differences of its last harvest to accept, reject or always accept."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pepites.core.roles import is_national_team
from pepites.initiatives import permissions
from pepites.initiatives.harvest import services
from pepites.initiatives.harvest.models import HarvestSource, SourceKind
from pepites.initiatives.imports.mapping import parse_explicit_mapping
from pepites.initiatives.imports.values import ValueProblem
from pepites.initiatives.models import InitiativeStatus, Theme
from pepites.network.models import Centre
from pepites.network.roles import centres_of
from pepites.web.formtools import AccessibleErrorsMixin, add_service_errors
from pepites.web.workspace.common import workspace_required


class SourceForm(AccessibleErrorsMixin, forms.Form):
    centre = forms.ChoiceField(label=gettext_lazy("Centre"))
    name = forms.CharField(label=gettext_lazy("Nom de la source"), max_length=150)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=SourceKind.choices)
    url = forms.URLField(label=gettext_lazy("Adresse"), max_length=500, assume_scheme="https")
    default_theme = forms.ChoiceField(
        label=gettext_lazy("Thématique des lignes qui n'en ont pas"), required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("État des initiatives créées"),
        choices=[
            (InitiativeStatus.DRAFT, InitiativeStatus.DRAFT.label),
            (InitiativeStatus.PUBLISHED, InitiativeStatus.PUBLISHED.label),
        ],
    )
    mapping = forms.CharField(
        label=gettext_lazy("Correspondance des colonnes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Facultatif, une par ligne : « En-tête du fichier=champ » (ex. « Structure=porteur »),"
            " comme à l'import ; sans elle, les colonnes sont reconnues à leur en-tête."
        ),
    )
    every_hours = forms.IntegerField(
        label=gettext_lazy("Consulter toutes les (heures)"),
        min_value=1,
        max_value=24 * 30,
        initial=24,
    )

    def clean_mapping(self) -> dict[str, str]:
        lines = [line.strip() for line in self.cleaned_data["mapping"].splitlines() if line.strip()]
        try:
            parse_explicit_mapping(lines)  # checks every field name, in French
        except ValueProblem as problem:
            raise ValidationError(problem.message) from problem
        return dict(line.split("=", 1) for line in lines)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        centres = Centre.objects.order_by("name") if is_national_team(user) else centres_of(user)
        cast(forms.ChoiceField, self.fields["centre"]).choices = list(
            centres.values_list("slug", "name")
        )
        themes = Theme.objects.order_by("position", "label").values_list("slug", "label")
        cast(forms.ChoiceField, self.fields["default_theme"]).choices = [
            ("", _("Aucune : erreur")),
            *themes,
        ]


def _sources(user):
    sources = HarvestSource.objects.select_related("centre").order_by("centre__name", "name")
    if is_national_team(user):
        return sources
    return sources.filter(centre__in=centres_of(user))


@workspace_required
def sources(request: HttpRequest) -> HttpResponse:
    form = SourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        centre = Centre.objects.get(slug=form.cleaned_data["centre"])
        if not permissions.can_manage_harvest(request.user, centre_id=centre.pk):
            raise PermissionDenied
        try:
            services.create_source(
                centre=centre,
                user=request.user,
                **{k: v for k, v in form.cleaned_data.items() if k != "centre"},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Source enregistrée : elle sera consultée sous peu."))
            return redirect("workspace:harvest")
    return render(
        request, "web/workspace/harvest.html", {"sources": _sources(request.user), "form": form}
    )


@require_POST
@workspace_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(HarvestSource.objects.select_related("centre"), pk=pk)
    if not permissions.can_manage_harvest(request.user, centre_id=source.centre_id):
        raise PermissionDenied
    action = request.POST.get("action", "")
    if action == "accepter":
        done = services.accept_pending(source=source, user=request.user)
    elif action == "toujours":
        done = services.always_accept(source=source, user=request.user)
    elif action == "refuser":
        services.reject_pending(source=source)
        done = True
    elif action == "reactiver":
        services.re_enable(source=source)
        done = True
    elif action == "maintenant":
        done = services.harvest_source(source=source) != services.FAILED
    else:
        messages.error(request, _("Action inconnue."))
        return redirect("workspace:harvest")
    if done:
        messages.success(request, _("C'est fait."))
    else:
        messages.error(request, source.last_error or _("Rien n'a pu être fait."))
    return redirect("workspace:harvest")
