"""The forms of the queue "Demandes d'essaimage" (pepites/web/workspace/essaimage.py)."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.essaimage.models import RequestStatus
from pepites.initiatives.models import Initiative
from pepites.web.formtools import AccessibleErrorsMixin

# "https://…/initiatives/<slug>/" or the slug alone.
_SLUG_IN_URL = re.compile(r"/initiatives/([-\w]+)/?")


class StatusForm(AccessibleErrorsMixin, forms.Form):
    prefix = "etat"
    status = forms.ChoiceField(
        label=gettext_lazy("Nouvel état"),
        choices=[c for c in RequestStatus.choices if c[0] != RequestStatus.REPRODUCED],
    )
    reason = forms.CharField(
        label=gettext_lazy("Raison (obligatoire pour « sans suite »)"),
        required=False,
        max_length=300,
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == RequestStatus.DROPPED and not data.get("reason"):
            self.add_error("reason", _("Dites pourquoi la demande reste sans suite."))
        return data


class AssignForm(AccessibleErrorsMixin, forms.Form):
    prefix = "suivi"
    assignee = forms.TypedChoiceField(
        label=gettext_lazy("Suivie par"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {user.pk: user for user in users}
        self.fields["assignee"].choices = [
            ("", _("Personne")),
            *((user.pk, user.get_full_name() or user.get_username()) for user in users),
        ]


class NoteForm(AccessibleErrorsMixin, forms.Form):
    prefix = "note"
    body = forms.CharField(
        label=gettext_lazy("Ajouter une note (visible des deux centres)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("La note est vide.")},
    )


class ReproductionForm(AccessibleErrorsMixin, forms.Form):
    prefix = "reproduction"
    initiative = forms.CharField(
        label=gettext_lazy("L'initiative née de cette demande"),
        help_text=gettext_lazy(
            "L'adresse de sa page (ou son identifiant), ex. https://…/initiatives/epicerie-solidaire-lorient/ ; "
            "créez-la d'abord si elle n'est pas encore sur Pépites."
        ),
        max_length=500,
        error_messages={"required": gettext_lazy("Indiquez l'initiative reproduite.")},
    )

    def clean_initiative(self) -> Initiative:
        return initiative_from_text(self.cleaned_data["initiative"])


def initiative_from_text(text: str) -> Initiative:
    """An initiative named by the address of its page or by its slug."""
    text = text.strip()
    match = _SLUG_IN_URL.search(text)
    slug = match.group(1) if match else text.strip("/")
    initiative = Initiative.objects.filter(slug=slug).first()
    if initiative is None:
        raise forms.ValidationError(
            _("Aucune initiative ne porte l'adresse « %(slug)s ».") % {"slug": slug[:80]}
        )
    return initiative


class LinkForm(AccessibleErrorsMixin, forms.Form):
    """A centre knows that an initiative reproduces another: "inspirée de"."""

    reproduction = forms.CharField(
        label=gettext_lazy("L'initiative qui reproduit (adresse de sa page)"), max_length=500
    )
    source = forms.CharField(
        label=gettext_lazy("Est inspirée de (adresse de la page de l'initiative d'origine)"),
        max_length=500,
    )

    def clean_reproduction(self) -> Initiative:
        return initiative_from_text(self.cleaned_data["reproduction"])

    def clean_source(self) -> Initiative:
        return initiative_from_text(self.cleaned_data["source"])


class QueueFilterForm(forms.Form):
    etat = forms.ChoiceField(
        label=gettext_lazy("État"),
        required=False,
        choices=[("", gettext_lazy("Tous les états")), *RequestStatus.choices],
    )
    centre = forms.TypedChoiceField(
        label=gettext_lazy("Centre"), required=False, coerce=int, empty_value=None
    )
    suivi = forms.ChoiceField(
        label=gettext_lazy("Suivi"),
        required=False,
        choices=[
            ("", gettext_lazy("Toutes")),
            ("moi", gettext_lazy("Suivies par moi")),
            ("personne", gettext_lazy("Suivies par personne")),
        ],
    )
    q = forms.CharField(
        label=gettext_lazy("Demandeur ou initiative"), required=False, max_length=100
    )

    def __init__(self, *args, centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [
            ("", _("Tous mes centres")),
            *((centre.pk, centre.name) for centre in centres),
        ]
