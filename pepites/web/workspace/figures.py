"""The centre's page for an initiative's yearly figures: the years entered, a form to add or
replace one, and deleting one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pepites.initiatives.figures.selectors import figures_of
from pepites.initiatives.figures.services import VALUE_FIELDS, delete_figures, set_figures
from pepites.web.formtools import AccessibleErrorsMixin, add_service_errors
from pepites.web.workspace.common import initiative_for, workspace_required


class FiguresForm(AccessibleErrorsMixin, forms.Form):
    """One year's figures; the service checks them (French messages on each field)."""

    year = forms.IntegerField(
        label=gettext_lazy("Année"),
        error_messages={
            "required": gettext_lazy("Indiquez l'année."),
            "invalid": gettext_lazy("Indiquez une année, ex. 2025."),
        },
    )
    people_reached = forms.IntegerField(
        label=gettext_lazy("Personnes touchées"), required=False, min_value=0
    )
    qpv_residents = forms.IntegerField(
        label=gettext_lazy("Dont habitants des QPV"), required=False, min_value=0
    )
    jobs = forms.IntegerField(
        label=gettext_lazy("Emplois créés ou maintenus"), required=False, min_value=0
    )
    activities_created = forms.IntegerField(
        label=gettext_lazy("Activités ou entreprises créées"), required=False, min_value=0
    )
    budget = forms.IntegerField(
        label=gettext_lazy("Budget de l'année (euros)"), required=False, min_value=0
    )
    comment = forms.CharField(
        label=gettext_lazy("Commentaire"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Comment ces chiffres ont été comptés, ce qu'ils ne disent pas."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.update({"inputmode": "numeric"})
                field.error_messages.setdefault(
                    "invalid", gettext_lazy("Un nombre entier est attendu.")
                )
                if name != "year":
                    field.error_messages["min_value"] = gettext_lazy(
                        "Un nombre positif ou nul est attendu."
                    )

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in VALUE_FIELDS}


@workspace_required
def figures(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_for(request, pk)
    years = list(figures_of(initiative=initiative))
    status = 200
    if request.method == "POST":
        form = FiguresForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                saved = set_figures(
                    initiative=initiative,
                    year=form.cleaned_data["year"],
                    values=form.values(),
                    user=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Chiffres de %(year)s enregistrés.") % {"year": saved.year}
                )
                return redirect("workspace:figures", pk=initiative.pk)
    else:
        chosen = request.GET.get("annee", "")
        current = next((y for y in years if str(y.year) == chosen), None)
        initial = {"year": timezone.localdate().year}
        if current is not None:
            initial = {"year": current.year, **{n: getattr(current, n) for n in VALUE_FIELDS}}
        form = FiguresForm(initial=initial)
    return render(
        request,
        "web/workspace/figures.html",
        {"initiative": initiative, "years": years, "form": form},
        status=status,
    )


@require_POST
@workspace_required
def figures_delete(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    initiative = initiative_for(request, pk)
    if delete_figures(initiative=initiative, year=year):
        messages.success(request, _("Chiffres de %(year)s supprimés.") % {"year": year})
    return redirect("workspace:figures", pk=initiative.pk)
