"""The porteur's check-in form: the public form's protections (honeypot, signed display
time, minimum fill time), without the address and consent (the link says who writes)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pepites.initiatives.checkins.models import CheckinAnswer
from pepites.initiatives.contributions.submission import CORRECTABLE_FIELDS
from pepites.initiatives.figures.services import FIGURE_FIELDS
from pepites.initiatives.models import Initiative
from pepites.web.contributions.forms import AntiSpamForm

LONG_FIELDS = {"summary", "context", "actions", "results", "replication"}
FIGURE_LABELS = {
    "people_reached": gettext_lazy("Personnes touchées"),
    "qpv_residents": gettext_lazy("Dont habitants des quartiers prioritaires (QPV)"),
    "jobs": gettext_lazy("Emplois créés ou maintenus"),
    "activities_created": gettext_lazy("Activités ou entreprises créées"),
    "budget": gettext_lazy("Budget de l'année (euros)"),
}


class CheckinForm(AntiSpamForm):
    # Removed: the link says who writes (Django drops a declared field set to None).
    proposer_name = None  # type: ignore[assignment]
    proposer_email = None  # type: ignore[assignment]
    consent = None  # type: ignore[assignment]

    answer = forms.ChoiceField(
        label=gettext_lazy("Où en est l'initiative ?"),
        widget=forms.RadioSelect,
        choices=[
            (CheckinAnswer.RUNNING, gettext_lazy("Elle continue, rien à changer sur la fiche")),
            (CheckinAnswer.CHANGES, gettext_lazy("Elle continue : je propose des modifications")),
            (CheckinAnswer.STOPPED, gettext_lazy("Elle s'est arrêtée")),
        ],
        error_messages={"required": gettext_lazy("Choisissez une réponse.")},
    )
    message = forms.CharField(
        label=gettext_lazy("Un mot pour le centre de ressources"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Par exemple : pourquoi elle s'est arrêtée, ce qui a changé."),
    )

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        for name in CORRECTABLE_FIELDS:
            model_field = Initiative._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=getattr(model_field, "verbose_name", name),
                required=False,
                max_length=getattr(model_field, "max_length", None) or 5000,
                initial=getattr(initiative, name),
                widget=forms.Textarea(attrs={"rows": 5 if name in LONG_FIELDS else 2}),
            )
        year = timezone.localdate().year
        self.fields["figures_year"] = forms.TypedChoiceField(
            label=gettext_lazy("Année des chiffres"),
            choices=[(year - 1, str(year - 1)), (year, str(year))],
            coerce=int,
            initial=year - 1,
        )
        for name in FIGURE_FIELDS:
            self.fields[name] = forms.IntegerField(
                label=FIGURE_LABELS[name],
                required=False,
                min_value=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": gettext_lazy("Un nombre entier est attendu."),
                    "min_value": gettext_lazy("Un nombre positif ou nul est attendu."),
                },
            )
        self.fields["figures_comment"] = forms.CharField(
            label=gettext_lazy("Commentaire sur ces chiffres"),
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in CORRECTABLE_FIELDS}

    def figures(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in FIGURE_FIELDS}
        values["comment"] = self.cleaned_data.get("figures_comment", "")
        return values
