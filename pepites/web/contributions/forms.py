"""The public forms: propose an initiative, suggest a correction.

Spam is kept out without any outside service: a honeypot field that people do not see, a
minimum time between displaying the form and sending it (signed in the form, so it needs
no session), and the rate limit of pepites/core/ratelimit.py applied by the service.
"""

import time
from typing import cast

from django import forms
from django.conf import settings
from django.core import signing
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.initiatives.contributions.submission import CORRECTABLE_FIELDS
from pepites.initiatives.models import Initiative, Theme
from pepites.web.formtools import AccessibleErrorsMixin
from pepites.web.workspace.forms import CommuneField

TOKEN_SALT = "pepites.contributions.form"
TOKEN_MAX_AGE = 24 * 60 * 60
HONEYPOT = "homepage"


def form_token(*, issued_at: float | None = None) -> str:
    """When the form was displayed, signed (the visitor cannot make it older)."""
    return signing.dumps(
        {"t": issued_at if issued_at is not None else time.time()}, salt=TOKEN_SALT
    )


class AntiSpamForm(AccessibleErrorsMixin, forms.Form):
    homepage = forms.CharField(
        required=False,
        label=gettext_lazy("Laissez ce champ vide"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    proposer_name = forms.CharField(
        label=gettext_lazy("Votre nom"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    proposer_email = forms.EmailField(
        label=gettext_lazy("Votre adresse électronique"),
        help_text=gettext_lazy(
            "Pour vous confirmer la réception et vous dire ce que devient votre proposition. "
            "Elle n'est jamais publiée."
        ),
        error_messages={
            "required": gettext_lazy("Indiquez votre adresse électronique."),
            "invalid": gettext_lazy(
                "Saisissez une adresse électronique valide, ex. prenom@exemple.fr."
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "J'accepte que mon adresse soit conservée pour traiter cette proposition."
        ),
        error_messages={
            "required": gettext_lazy("Cochez cette case pour que nous puissions vous répondre.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_token"] = form_token()
        self.fresh_token = False

    def honeypot_field(self):
        return self[HONEYPOT]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT):
            raise forms.ValidationError(
                _("Votre envoi n'a pas pu être pris en compte. Réessayez plus tard."),
                code="honeypot",
            )
        try:
            issued = float(signing.loads(self.data.get("form_token", ""), salt=TOKEN_SALT)["t"])
            if time.time() - issued > TOKEN_MAX_AGE:
                raise signing.BadSignature("expired")
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self._renew_token()
            raise forms.ValidationError(
                _(
                    "Ce formulaire a expiré : vérifiez ce que vous avez saisi et envoyez-le de nouveau."
                ),
                code="expired",
            ) from None
        # A form with fields to correct is sent back anyway: no word about automation then.
        if time.time() - issued < settings.PROPOSAL_MIN_FILL_SECONDS and not self.errors:
            raise forms.ValidationError(
                _(
                    "Votre envoi est arrivé très peu de temps après l'ouverture de la page : "
                    "par précaution contre les envois automatiques, il n'est pas encore "
                    "enregistré. Vérifiez ce que vous avez saisi (rien n'est perdu), puis "
                    "envoyez de nouveau."
                ),
                code="too_fast",
            )
        return cleaned

    def _renew_token(self) -> None:
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        data["form_token"] = form_token()
        self.data = data
        self.fresh_token = True


def _theme_choices():
    return [(t.slug, t.label) for t in Theme.objects.order_by("position", "label")]


class ProposalForm(AntiSpamForm):
    title = forms.CharField(
        label=gettext_lazy("Nom de l'initiative"),
        max_length=200,
        error_messages={"required": gettext_lazy("Donnez un nom à l'initiative.")},
    )
    porteur_name = forms.CharField(
        label=gettext_lazy("Qui la porte ?"),
        max_length=200,
        help_text=gettext_lazy("Association, entreprise, collectivité…"),
        error_messages={"required": gettext_lazy("Indiquez qui porte l'initiative.")},
    )
    commune = CommuneField(label=gettext_lazy("Commune"))
    themes = forms.MultipleChoiceField(
        label=gettext_lazy("Thématiques"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choisissez au moins une thématique.")},
    )
    summary = forms.CharField(
        label=gettext_lazy("En quelques phrases"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Ce qui est fait, pour qui, dans quel quartier (600 caractères au plus)."
        ),
        error_messages={"required": gettext_lazy("Décrivez l'initiative en quelques phrases.")},
    )
    results = forms.CharField(
        label=gettext_lazy("Résultats observés"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    address = forms.CharField(label=gettext_lazy("Adresse"), required=False, max_length=300)
    website = forms.URLField(
        label=gettext_lazy("Site internet"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": gettext_lazy("Saisissez une adresse web complète, ex. https://exemple.fr.")
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Un mot pour l'équipe qui examinera votre proposition"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = [
        "title",
        "porteur_name",
        "commune",
        "themes",
        "summary",
        "results",
        "address",
        "website",
        "message",
        "proposer_name",
        "proposer_email",
        "consent",
        "homepage",
        "form_token",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = _theme_choices()

    def proposal_data(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "porteur_name": data["porteur_name"],
            "commune_code": data["commune"].code,
            "theme_slugs": data["themes"],
            "summary": data["summary"],
            "results": data.get("results", ""),
            "address": data.get("address", ""),
            "website": data.get("website", ""),
            "actions": "",
        }


class CorrectionForm(AntiSpamForm):
    """The fields a visitor may correct, filled with the published values."""

    message = forms.CharField(
        label=gettext_lazy("Ce qui doit changer, et votre source"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Corrigez directement les champs ci-dessous, ou décrivez la correction ici."
        ),
    )

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        for name in CORRECTABLE_FIELDS:
            model_field = cast(models.Field, Initiative._meta.get_field(name))
            long = name in {"summary", "context", "actions", "results", "replication"}
            self.fields[name] = forms.CharField(
                label=model_field.verbose_name,
                required=name in {"title", "summary", "porteur_name"},
                max_length=model_field.max_length or 5000,
                initial=getattr(initiative, name),
                widget=forms.Textarea(attrs={"rows": 5 if long else 2})
                if long
                else forms.TextInput(),
                error_messages={"required": gettext_lazy("Ce champ ne peut pas être vidé.")},
            )
        self.order_fields(
            ["message", *CORRECTABLE_FIELDS, "proposer_name", "proposer_email", "consent"]
        )

    def correction_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in CORRECTABLE_FIELDS}
