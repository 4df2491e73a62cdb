"""The public form "M'en inspirer": the protections of the proposal form (honeypot, signed
minimum fill time, CSRF; the rate limit is the service's), its own fields."""

from django import forms
from django.utils.translation import gettext_lazy

from pepites.essaimage.models import Need, RequesterKind
from pepites.web.contributions.forms import AntiSpamForm
from pepites.web.workspace.forms import CommuneField


class InspirationRequestForm(AntiSpamForm):
    organisation = forms.CharField(
        label=gettext_lazy("Votre organisation"), required=False, max_length=200
    )
    requester_kind = forms.ChoiceField(
        label=gettext_lazy("Vous êtes"),
        choices=[("", gettext_lazy("Choisissez…")), *RequesterKind.choices],
        error_messages={"required": gettext_lazy("Choisissez le type de votre structure.")},
    )
    commune = CommuneField(
        label=gettext_lazy("Où voulez-vous la reproduire ? (commune)"),
        error_messages={"required": gettext_lazy("Indiquez la commune de votre projet.")},
    )
    project = forms.CharField(
        label=gettext_lazy("Votre projet en quelques lignes"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Décrivez votre projet en quelques lignes.")},
    )
    needs = forms.MultipleChoiceField(
        label=gettext_lazy("Ce qui vous aiderait"),
        required=False,
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = [
        "proposer_name",
        "proposer_email",
        "organisation",
        "requester_kind",
        "commune",
        "project",
        "needs",
        "consent",
        "homepage",
        "form_token",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields["proposer_name"]
        name.required = True
        name.error_messages["required"] = gettext_lazy("Indiquez votre nom.")
        self.fields["proposer_email"].help_text = gettext_lazy(
            "Pour que le centre de ressources vous réponde. Elle n'est jamais publiée."
        )
        self.fields["consent"].label = gettext_lazy(
            "J'accepte que mes coordonnées et ma demande soient transmises aux centres de "
            "ressources concernés (et au porteur, s'il a accepté d'être contacté) pour y répondre."
        )
        self.fields["consent"].error_messages["required"] = gettext_lazy(
            "Cochez cette case pour que les centres puissent vous répondre."
        )

    def request_data(self) -> dict:
        data = self.cleaned_data
        return {
            "requester_name": data["proposer_name"],
            "requester_email": data["proposer_email"],
            "organisation": data.get("organisation", ""),
            "requester_kind": data["requester_kind"],
            "commune_code": data["commune"].code,
            "project": data["project"],
            "needs": data.get("needs") or [],
        }
