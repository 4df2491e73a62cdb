"""The impact dashboard, public (aggregates only, no personal data): for the national team,
the centres and their funders. Bars drawn as SVG by the server, each with its data table."""

import csv
from datetime import date

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.initiatives.models import Theme
from pepites.insights.impact import ImpactFilters, centre_choices, impact
from pepites.insights.impact_pdf import centre_year_pdf
from pepites.network.models import Centre


class ImpactForm(forms.Form):
    debut = forms.DateField(
        label=gettext_lazy("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fin = forms.DateField(
        label=gettext_lazy("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    centre = forms.TypedChoiceField(
        label=gettext_lazy("Centre"), required=False, coerce=int, empty_value=None
    )
    thematique = forms.ChoiceField(label=gettext_lazy("Thématique"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [("", _("Tout le réseau")), *centre_choices()]
        self.fields["thematique"].choices = [
            ("", _("Toutes")),
            *Theme.objects.order_by("position", "label").values_list("slug", "label"),
        ]

    def impact_filters(self) -> ImpactFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ImpactFilters(
            start=data.get("debut"),
            end=data.get("fin"),
            centre_id=data.get("centre"),
            theme_slug=data.get("thematique") or "",
        )


def bars(rows: list[tuple[str, int]]) -> list[dict]:
    """Bars of an SVG chart: label, value, width in percent of the largest."""
    top = max((n for _label, n in rows), default=0) or 1
    return [
        {"label": label or _("(aucun)"), "value": n, "width": round(100 * n / top, 1), "y": 28 * i}
        for i, (label, n) in enumerate(rows)
    ]


def dashboard(request: HttpRequest) -> HttpResponse:
    form = ImpactForm(request.GET or None)
    figures = impact(filters=form.impact_filters())
    charts = [
        (_("Demandes par mois"), bars(figures.by_month), "mois"),
        (_("Suites données aux demandes"), bars(figures.by_status), "etat"),
        (_("Demandes par centre du territoire du demandeur"), bars(figures.by_centre), "centre"),
        (_("Demandes par thématique de l'initiative"), bars(figures.by_theme), "theme"),
        (_("Demandes par région du demandeur"), bars(figures.by_region), "region"),
    ]
    return render(
        request,
        "web/essaimage/impact.html",
        {
            "form": form,
            "figures": figures,
            "charts": charts,
            "years": range(date.today().year, date.today().year - 3, -1),
            "centres": Centre.objects.order_by("name").only("slug", "name"),
        },
    )


def dashboard_pdf(request: HttpRequest, year: int) -> HttpResponse:
    """/impact/<year>.pdf?centre=<slug>: one A4 page for a centre's activity report."""
    if not 2000 <= year <= date.today().year + 1:
        raise Http404
    slug = request.GET.get("centre", "")
    centre = Centre.objects.filter(slug=slug).first() if slug else None
    if slug and centre is None:
        raise Http404
    response = HttpResponse(
        centre_year_pdf(centre=centre, year=year), content_type="application/pdf"
    )
    name = f"essaimage-{year}-{centre.slug if centre else 'reseau'}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def dashboard_csv(request: HttpRequest) -> HttpResponse:
    form = ImpactForm(request.GET or None)
    figures = impact(filters=form.impact_filters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="impact-essaimage.csv"'
    writer = csv.writer(response)
    writer.writerow(["indicateur", "libelle", "valeur"])
    writer.writerow(["demandes", "", figures.total])
    writer.writerow(["delai_median_premiere_reponse_jours", "", figures.median_answer_days or ""])
    writer.writerow(["initiatives_essaimees", "", figures.essaimees])
    writer.writerow(["reproductions", "", figures.reproductions])
    for name, rows in (
        ("demandes_par_mois", figures.by_month),
        ("demandes_par_etat", figures.by_status),
        ("demandes_par_centre", figures.by_centre),
        ("demandes_par_thematique", figures.by_theme),
        ("demandes_par_region", figures.by_region),
    ):
        for label, n in rows:
            writer.writerow([name, label, n])
    for centre, added, checked in figures.added_by_centre:
        writer.writerow(["initiatives_ajoutees", centre, added])
        writer.writerow(["initiatives_verifiees", centre, checked])
    return response
