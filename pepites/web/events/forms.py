"""The agenda's forms: the public filters and registration, the organisers' event form,
attachments and messages."""

from __future__ import annotations

import re
from datetime import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.events.models import (
    AttachmentKind,
    Event,
    EventKind,
    EventMessage,
    EventStatus,
    RegistrationMode,
)
from pepites.events.services import EventInput
from pepites.events.timezones import TIME_ZONES, in_zone
from pepites.initiatives.models import Initiative, Theme
from pepites.network.models import Centre
from pepites.territories.models import Region
from pepites.web.contributions.forms import AntiSpamForm
from pepites.web.formtools import AccessibleErrorsMixin
from pepites.web.workspace.forms import CommuneField

_INITIATIVE_REF = re.compile(r"(?:/initiatives/)?([a-z0-9][a-z0-9-]*)/?$")


class EventFilterForm(AccessibleErrorsMixin, forms.Form):
    """?type=…&thematique=…&centre=…&region=… — an unknown value is said, then ignored."""

    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False)
    thematique = forms.ChoiceField(label=gettext_lazy("Thématique"), required=False)
    centre = forms.ChoiceField(label=gettext_lazy("Centre organisateur"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Région"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("Tous"))]
        self.fields["type"].choices = every + list(EventKind.choices)
        self.fields["thematique"].choices = [("", _("Toutes"))] + [
            (t.slug, t.label) for t in Theme.objects.order_by("position", "label")
        ]
        self.fields["centre"].choices = every + [
            (c.slug, c.name) for c in Centre.objects.order_by("name")
        ]
        self.fields["region"].choices = [("", _("Toutes"))] + [
            (r.code, r.name) for r in Region.objects.order_by("name")
        ]

    def filters(self) -> dict[str, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "kind": data.get("type", ""),
            "theme": data.get("thematique", ""),
            "centre": data.get("centre", ""),
            "region": data.get("region", ""),
        }


class RegistrationForm(AntiSpamForm):
    """The public registration: the proposal form's protections (honeypot, signed display
    time), its own fields."""

    # Django's way to drop an inherited field: its own fields below say who registers.
    proposer_name = None  # type: ignore[assignment]
    proposer_email = None  # type: ignore[assignment]
    name = forms.CharField(
        label=gettext_lazy("Nom et prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": gettext_lazy("Indiquez votre nom.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        help_text=gettext_lazy("Un lien vous y est envoyé pour confirmer l'inscription."),
        error_messages={
            "required": gettext_lazy("Indiquez votre adresse électronique."),
            "invalid": gettext_lazy(
                "Saisissez une adresse électronique valide, ex. prenom@exemple.fr."
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=gettext_lazy("Structure"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Collectivité, association, entreprise…"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "J'accepte que ces informations soient conservées pour gérer mon inscription et "
            "communiquées aux organisateurs."
        ),
        error_messages={
            "required": gettext_lazy("Cochez cette case pour que nous puissions vous inscrire.")
        },
    )
    field_order = ["name", "email", "organisation", "consent", "homepage", "form_token"]


class EventForm(AccessibleErrorsMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=EventKind.choices)
    summary = forms.CharField(
        label=gettext_lazy("En quelques mots"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=gettext_lazy("Programme"),
        required=False,
        max_length=20000,
        help_text=gettext_lazy("Texte Markdown : **gras**, listes, liens."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    start_date = forms.DateField(
        label=gettext_lazy("Date de début"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Heure de début"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_date = forms.DateField(
        label=gettext_lazy("Date de fin"),
        required=False,
        help_text=gettext_lazy("Vide : le même jour."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_time = forms.TimeField(
        label=gettext_lazy("Heure de fin"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Fuseau horaire des heures saisies"),
        required=False,
        help_text=gettext_lazy(
            "Automatique : celui du département du lieu (heure de Paris pour un événement "
            "en ligne)."
        ),
    )
    is_online = forms.BooleanField(label=gettext_lazy("En ligne"), required=False)
    online_url = forms.URLField(
        label=gettext_lazy("Lien de connexion"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("Donné aux seules personnes dont l'inscription est confirmée."),
    )
    venue = forms.CharField(label=gettext_lazy("Nom du lieu"), required=False, max_length=200)
    address = forms.CharField(label=gettext_lazy("Adresse"), required=False, max_length=300)
    commune = CommuneField(label=gettext_lazy("Commune"), required=False)
    centres = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Centres organisateurs"),
        queryset=Centre.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Thématiques"),
        queryset=Theme.objects.order_by("position", "label"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    initiatives = forms.CharField(
        label=gettext_lazy("Initiatives liées"),
        required=False,
        max_length=5000,
        help_text=gettext_lazy(
            "L'adresse de la fiche de chaque initiative (…/initiatives/nom-de-la-fiche/), "
            "une par ligne."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audience = forms.CharField(
        label=gettext_lazy("Public"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Ex. professionnels de la politique de la ville, élus."),
    )
    registration_mode = forms.ChoiceField(
        label=gettext_lazy("Inscription"),
        choices=RegistrationMode.choices,
        widget=forms.RadioSelect,
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Nombre de places"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Vide : sans limite. Au-delà, une liste d'attente s'ouvre."),
    )
    registration_url = forms.URLField(
        label=gettext_lazy("Lien d'inscription externe"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    status = forms.ChoiceField(label=gettext_lazy("État"), choices=EventStatus.choices)
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", _("Automatique"))] + [
            (name, str(label)) for name, label in TIME_ZONES.items()
        ]

    @staticmethod
    def initial_for(event: Event) -> dict:
        starts, ends = (
            in_zone(event.starts_at, event.time_zone),
            in_zone(event.ends_at, event.time_zone),
        )
        return {
            "title": event.title,
            "kind": event.kind,
            "summary": event.summary,
            "description": event.description,
            "start_date": starts.date(),
            "start_time": starts.time().replace(tzinfo=None),
            "end_date": ends.date(),
            "end_time": ends.time().replace(tzinfo=None),
            "time_zone": event.time_zone if event.time_zone_chosen else "",
            "is_online": event.is_online,
            "online_url": event.online_url,
            "venue": event.venue,
            "address": event.address,
            "commune": event.commune,
            "centres": list(event.centres.all()),
            "themes": list(event.themes.all()),
            "initiatives": "\n".join(f"/initiatives/{i.slug}/" for i in event.initiatives.all()),
            "audience": event.audience,
            "registration_mode": event.registration_mode,
            "capacity": event.capacity,
            "registration_url": event.registration_url,
            "status": event.status,
            "expected_version": event.version,
        }

    def clean_initiatives(self) -> list[int]:
        slugs = []
        for line in self.cleaned_data.get("initiatives", "").split():
            match = _INITIATIVE_REF.search(line.strip().lower())
            if not match:
                raise forms.ValidationError(
                    _("« %(ref)s » n'est pas l'adresse d'une fiche d'initiative.") % {"ref": line}
                )
            slugs.append(match.group(1))
        found = dict(Initiative.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise forms.ValidationError(
                _("Aucune initiative ne porte cette adresse : %(slugs)s.")
                % {"slugs": ", ".join(missing)}
            )
        return [found[slug] for slug in dict.fromkeys(slugs)]

    def event_input(self) -> EventInput:
        data = self.cleaned_data
        commune = data.get("commune")
        return EventInput(
            title=data["title"],
            kind=data["kind"],
            summary=data["summary"],
            description=data.get("description", ""),
            starts_local=datetime.combine(data["start_date"], data["start_time"]),
            ends_local=datetime.combine(
                data.get("end_date") or data["start_date"], data["end_time"]
            ),
            time_zone=data.get("time_zone", ""),
            is_online=data.get("is_online", False),
            online_url=data.get("online_url", ""),
            venue=data.get("venue", ""),
            address=data.get("address", ""),
            commune_code=commune.code if commune else "",
            centre_ids=[centre.pk for centre in data.get("centres", [])],
            theme_slugs=[theme.slug for theme in data.get("themes", [])],
            initiative_ids=data.get("initiatives", []),
            audience=data.get("audience", ""),
            capacity=data.get("capacity"),
            registration_mode=data["registration_mode"],
            registration_url=data.get("registration_url", ""),
            status=data["status"],
        )


class AttachmentForm(AccessibleErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Nature"), choices=AttachmentKind.choices)
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200)
    url = forms.URLField(
        label=gettext_lazy("Adresse"), required=False, max_length=500, assume_scheme="https"
    )
    resource_id = forms.IntegerField(
        label=gettext_lazy("ou numéro de la ressource dans la bibliothèque"),
        required=False,
        min_value=1,
    )


class MessageForm(AccessibleErrorsMixin, forms.Form):
    audience = forms.ChoiceField(
        label=gettext_lazy("Destinataires"),
        choices=EventMessage.Audience.choices,
        initial=EventMessage.Audience.CONFIRMED,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=gettext_lazy("Objet"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
