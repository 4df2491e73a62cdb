"""Forms of the centres' workspace: an initiative (create, edit, accept a proposal), the
decision on a proposal, an invitation."""

from __future__ import annotations

import re
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pepites.core.roles import is_national_team
from pepites.core.validators import validate_no_bidi_controls
from pepites.initiatives import permissions
from pepites.initiatives.field_groups import CONTRIBUTOR_FIELDS
from pepites.initiatives.images import NewImage, make_renditions
from pepites.initiatives.models import (
    LIST_TEXT_MAX_LENGTH,
    RICH_TEXT_MAX_LENGTH,
    Initiative,
    InitiativeStatus,
    LocationStatus,
    PorteurKind,
    Theme,
)
from pepites.initiatives.placement.selectors import served_qpv_codes
from pepites.initiatives.services import (
    check_contact_consent,
    check_principal_theme,
    location_status_after_edit,
)
from pepites.network.models import Centre, Membership
from pepites.network.permissions import can_invite
from pepites.network.roles import centres_of
from pepites.territories.models import QPV_CODE_PATTERN, Commune
from pepites.territories.selectors import (
    current_qpv_generation,
    qpv_code_in_text,
    qpv_names,
    search_communes,
    unknown_qpv_codes,
)
from pepites.web.formtools import AccessibleErrorsMixin, add_service_errors

_CODE_IN_TEXT = re.compile(r"\(\s*(\d{5}|2[AB]\d{3})\s*\)\s*$", re.IGNORECASE)
_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"[,;\n]+")
MAX_SERVED_QPVS = 50


def commune_text(commune: Commune) -> str:
    return f"{commune.name} ({commune.code})"


class CommuneField(forms.CharField):
    """A commune typed by name, "Name (INSEE code)" (what the suggestions give) or code."""

    default_error_messages = {"required": gettext_lazy("Indiquez la commune.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text",
            gettext_lazy("Tapez le nom et choisissez dans la liste, ex. Saint-Denis (93066)."),
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "list": "communes-suggestions",
                    "data-commune-input": "",
                }
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return commune_text(value) if isinstance(value, Commune) else value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        match = _CODE_IN_TEXT.search(text) or _CODE.match(text.strip())
        if match:
            commune = Commune.objects.filter(code=match.group(1).upper()).first()
            if commune is None:
                raise forms.ValidationError(
                    _(
                        "Le code %(code)s n'est celui d'aucune commune du Code officiel géographique."
                    )
                    % {"code": match.group(1).upper()}
                )
            return commune
        found = search_communes(text=text, limit=6)
        if not found:
            raise forms.ValidationError(
                _(
                    "Aucune commune ne s'appelle « %(text)s ». Vérifiez l'orthographe ou tapez le code INSEE."
                )
                % {"text": text}
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("Plusieurs communes correspondent : précisez laquelle, ex. %(choices)s.")
                % {"choices": ", ".join(commune_text(c) for c in found[:5])}
            )
        return found[0]


def _textarea(rows: int, markdown: bool = False) -> forms.Textarea:
    attrs: dict[str, int | str] = {"rows": rows}
    if markdown:
        attrs["data-markdown"] = ""
    return forms.Textarea(attrs=attrs)


MARKDOWN_HELP = gettext_lazy(
    "Mise en forme Markdown : **gras**, *italique*, listes commençant par « - », liens "
    "[texte](https://…). Le HTML n'est pas conservé."
)


_BRACKETED_QPV_CODE = re.compile(rf"\(\s*({QPV_CODE_PATTERN})\s*\)", re.IGNORECASE)


def parse_qpv_codes(text: str) -> list[str]:
    """QPV codes from a list typed or pasted: codes separated by commas, semicolons, lines or
    spaces, and labels as the lists show them, "Name — commune, commune (code)" (whose
    commas are not separators). Raises ValueError(item) on an item that is neither."""
    parts = _BRACKETED_QPV_CODE.split(text)  # text, code, text, code, …, text
    codes: list[str] = []
    for index in range(0, len(parts), 2):
        segment = parts[index]
        labelled = index + 1 < len(parts)
        if labelled:
            # The segment ends with the name of the bracketed code: keep what comes before.
            dash = segment.rfind("—")
            head = segment[:dash] if dash >= 0 else segment
            cut = max(head.rfind(","), head.rfind(";"), head.rfind("\n"))
            segment = segment[:cut] if cut >= 0 else ""
        for item in _LIST_SEPARATORS.split(segment):
            for word in item.split():
                if not qpv_code_in_text(word):
                    raise ValueError(item.strip())
                codes.append(qpv_code_in_text(word))
        if labelled:
            codes.append(parts[index + 1].upper())
    return codes


def _rich_text(label, *, rows: int) -> forms.CharField:
    """A section of the case study, in Markdown."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=RICH_TEXT_MAX_LENGTH,
        widget=_textarea(rows, True),
        help_text=MARKDOWN_HELP,
    )


class InitiativeForm(AccessibleErrorsMixin, forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Titre"), max_length=200, validators=[validate_no_bidi_controls]
    )
    summary = forms.CharField(
        label=gettext_lazy("Résumé"),
        max_length=600,
        widget=_textarea(3),
        help_text=gettext_lazy("600 caractères au plus, affichés sur les cartes de la liste."),
    )
    context = _rich_text(gettext_lazy("Contexte et enjeu"), rows=6)
    actions = _rich_text(gettext_lazy("Ce qui a été fait"), rows=6)
    results = _rich_text(gettext_lazy("Résultats"), rows=5)
    replication = _rich_text(gettext_lazy("Pour reproduire"), rows=5)
    porteur_name = forms.CharField(
        label=gettext_lazy("Porteur"), max_length=200, validators=[validate_no_bidi_controls]
    )
    porteur_kind = forms.ChoiceField(
        label=gettext_lazy("Type de porteur"), choices=PorteurKind.choices
    )
    partners = forms.CharField(
        label=gettext_lazy("Partenaires"),
        required=False,
        max_length=LIST_TEXT_MAX_LENGTH,
        widget=_textarea(2),
    )
    funders = forms.CharField(
        label=gettext_lazy("Financeurs"),
        required=False,
        max_length=LIST_TEXT_MAX_LENGTH,
        widget=_textarea(2),
    )
    target_public = forms.CharField(
        label=gettext_lazy("Public visé"), required=False, max_length=300
    )
    themes = forms.MultipleChoiceField(
        label=gettext_lazy("Thématiques"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choisissez au moins une thématique.")},
    )
    principal_theme = forms.ChoiceField(
        label=gettext_lazy("Thématique principale"),
        required=False,
        help_text=gettext_lazy("Par défaut, la première cochée."),
    )
    start_year = forms.IntegerField(
        label=gettext_lazy("Année de démarrage"), required=False, min_value=1900, max_value=2100
    )
    is_running = forms.BooleanField(label=gettext_lazy("Toujours en cours"), required=False)
    commune = CommuneField(label=gettext_lazy("Commune"))
    address = forms.CharField(label=gettext_lazy("Adresse"), required=False, max_length=300)
    latitude = forms.FloatField(
        label=gettext_lazy("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=gettext_lazy("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    # How the point sent was obtained while editing: the geocoder's status, or "manual"
    # when placed by hand (set by the form's script); empty: not touched (see field_values).
    location_status = forms.ChoiceField(
        choices=LocationStatus.choices, required=False, widget=forms.HiddenInput
    )
    served_qpvs = forms.CharField(
        label=gettext_lazy("Quartiers prioritaires servis (« pour les quartiers »)"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "Si l'initiative, située ailleurs, s'adresse aux habitants de quartiers "
            "prioritaires : leurs codes, séparés par des virgules, ex. QN09301M, QN09302M."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    centre = forms.ChoiceField(label=gettext_lazy("Centre référent"), required=False)
    contact_name = forms.CharField(
        label=gettext_lazy("Nom du contact"), required=False, max_length=150
    )
    contact_email = forms.EmailField(label=gettext_lazy("Courriel du contact"), required=False)
    contact_phone = forms.CharField(
        label=gettext_lazy("Téléphone du contact"), required=False, max_length=30
    )
    contact_consent = forms.BooleanField(
        label=gettext_lazy("La personne a accepté que son contact soit publié"), required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("État"))
    checked = forms.BooleanField(
        label=gettext_lazy("J'ai vérifié ces informations aujourd'hui"), required=False
    )
    image = forms.FileField(
        label=gettext_lazy("Ajouter une image"),
        required=False,
        help_text=gettext_lazy(
            "JPEG, PNG, WebP ou GIF. Les métadonnées (position GPS…) sont retirées."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    image_alt = forms.CharField(
        label=gettext_lazy("Texte alternatif de l'image"),
        required=False,
        max_length=250,
        help_text=gettext_lazy("Ce que montre l'image, pour qui ne la voit pas."),
    )
    image_credits = forms.CharField(
        label=gettext_lazy("Crédits de l'image"), required=False, max_length=200
    )
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    TEXT_FIELDS = CONTRIBUTOR_FIELDS  # the services' EDITABLE_FIELDS derive from it too

    def __init__(self, *args, user, initiative: Initiative | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.initiative = initiative
        self.renditions = None
        themes = list(Theme.objects.order_by("position", "label"))
        cast(forms.ChoiceField, self.fields["themes"]).choices = [(t.slug, t.label) for t in themes]
        cast(forms.ChoiceField, self.fields["principal_theme"]).choices = [
            ("", _("— la première cochée —"))
        ] + [(t.slug, t.label) for t in themes]
        national = is_national_team(user)
        centres = list(Centre.objects.order_by("name")) if national else list(centres_of(user))
        choices = [(c.slug, c.name) for c in centres]
        if national:
            choices.insert(0, ("", _("Aucun : équipe nationale")))
        elif initiative is not None and initiative.centre and initiative.centre not in centres:
            choices.insert(0, (initiative.centre.slug, initiative.centre.name))
        cast(forms.ChoiceField, self.fields["centre"]).choices = choices
        if initiative is None and not national and len(centres) == 1:
            self.fields["centre"].initial = centres[0].slug
        statuses = [(InitiativeStatus.DRAFT, InitiativeStatus.DRAFT.label)]
        probe = initiative or Initiative(centre=centres[0] if len(centres) == 1 else None)
        if national or permissions.can_publish_initiative(user, probe) or initiative is None:
            statuses.append((InitiativeStatus.PUBLISHED, InitiativeStatus.PUBLISHED.label))
        if initiative is not None and permissions.can_archive_initiative(user, initiative):
            statuses.append((InitiativeStatus.ARCHIVED, InitiativeStatus.ARCHIVED.label))
        if initiative is not None and initiative.status == InitiativeStatus.PROPOSED:
            statuses.insert(1, (InitiativeStatus.PROPOSED, InitiativeStatus.PROPOSED.label))
        cast(forms.ChoiceField, self.fields["status"]).choices = statuses

    @classmethod
    def initial_for(cls, initiative: Initiative) -> dict:
        initial = {name: getattr(initiative, name) for name in cls.TEXT_FIELDS}
        initial.update(
            location_status="",  # the stored status stays unless the point moves
            served_qpvs=", ".join(served_qpv_codes(initiative=initiative)),
            themes=list(initiative.themes.values_list("slug", flat=True)),
            principal_theme=initiative.principal_theme.slug,
            commune=initiative.commune,
            centre=initiative.centre.slug if initiative.centre else "",
            status=initiative.status,
            expected_version=initiative.version,
        )
        return initial

    def clean_served_qpvs(self) -> list[str]:
        """The codes listed (codes, or labels "Name — communes (code)"), in the current list."""
        try:
            codes = list(dict.fromkeys(parse_qpv_codes(self.cleaned_data["served_qpvs"])))
        except ValueError as exc:
            raise forms.ValidationError(
                _("« %(text)s » n'est pas un code de quartier prioritaire (ex. QN09301M).")
                % {"text": exc.args[0]}
            ) from None
        if len(codes) > MAX_SERVED_QPVS:
            raise forms.ValidationError(_("%(max)s quartiers au plus.") % {"max": MAX_SERVED_QPVS})
        if codes and current_qpv_generation() is None:
            raise forms.ValidationError(
                _(
                    "Aucune liste de quartiers prioritaires n'est encore importée : "
                    "ce champ reste vide pour l'instant."
                )
            )
        unknown = unknown_qpv_codes(codes)
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "Quartier prioritaire inconnu de la liste en vigueur : %(codes)s.",
                    "Quartiers prioritaires inconnus de la liste en vigueur : %(codes)s.",
                    len(unknown),
                )
                % {"codes": ", ".join(unknown)}
            )
        return codes

    def served_qpv_labels(self) -> list[str]:
        """ "Name (code)" of the QPV listed, for the contributor to check the codes."""
        if self.is_bound:
            codes = getattr(self, "cleaned_data", {}).get("served_qpvs") or []
        else:
            codes = [c.strip() for c in self.initial.get("served_qpvs", "").split(",")]
        names = qpv_names(code for code in codes if code)
        return [f"{names[code]} ({code})" for code in codes if code in names]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload:
            try:
                self.renditions = make_renditions(upload)
            except ValidationError as exc:
                raise forms.ValidationError(exc.message_dict["image"]) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        themes = cleaned.get("themes") or []
        if themes:  # the services' rules, with their messages
            self._service_rule(
                check_principal_theme,
                principal_theme=cleaned.get("principal_theme"),
                themes=themes,
            )
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error(
                "longitude" if cleaned.get("longitude") is None else "latitude",
                _("Indiquez la latitude et la longitude, ou aucune des deux."),
            )
        if self.renditions is not None and not (cleaned.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Décrivez ce que montre l'image (texte alternatif)."))
        self._service_rule(
            check_contact_consent,
            contact_name=cleaned.get("contact_name"),
            contact_email=cleaned.get("contact_email"),
            contact_phone=cleaned.get("contact_phone"),
            consent=bool(cleaned.get("contact_consent")),
        )
        if self.initiative is not None and cleaned.get("expected_version") is None:
            self.add_error(None, _("Version de la fiche manquante : rechargez la page."))
        return cleaned

    def _service_rule(self, check, **values) -> None:
        try:
            check(**values)
        except ValidationError as exc:
            add_service_errors(self, exc)

    def chosen_centre(self) -> Centre | None:
        slug = self.cleaned_data.get("centre") or ""
        return Centre.objects.filter(slug=slug).first() if slug else None

    def field_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.TEXT_FIELDS}
        for name in self.TEXT_FIELDS:
            if values[name] is None and name not in ("start_year", "latitude", "longitude"):
                values[name] = ""
        values["is_running"] = bool(data.get("is_running"))
        values["contact_consent"] = bool(data.get("contact_consent"))
        values["location_status"] = location_status_after_edit(
            initiative=self.initiative,
            latitude=values["latitude"],
            longitude=values["longitude"],
            stated=cast(str, values["location_status"]),
        )
        values["status"] = data["status"]
        if data.get("checked"):
            values["last_checked_at"] = timezone.now()
        return values

    def create_kwargs(self) -> dict:
        values = self.field_values()
        centre = self.chosen_centre()
        return {
            **values,
            "commune_code": self.cleaned_data["commune"].code,
            "theme_slugs": self.cleaned_data["themes"],
            "principal_theme_slug": self.cleaned_data.get("principal_theme") or None,
            "centre_slug": centre.slug if centre else "",
        }

    def new_image(self) -> NewImage | None:
        """The image the form checked, if one was sent."""
        if self.renditions is None:
            return None
        return NewImage(
            renditions=self.renditions,
            alt_text=self.cleaned_data["image_alt"],
            credits=self.cleaned_data.get("image_credits", ""),
        )

    def update_kwargs(self) -> dict:
        values = self.field_values()
        return {
            **values,
            "commune_code": self.cleaned_data["commune"].code,
            "theme_slugs": self.cleaned_data["themes"],
            "principal_theme_slug": self.cleaned_data.get("principal_theme") or None,
        }


class RejectForm(AccessibleErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif du refus (envoyé à l'auteur)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": gettext_lazy("Indiquez le motif du refus : il est envoyé à l'auteur.")
        },
    )


class InviteForm(AccessibleErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique de la personne"),
        error_messages={"invalid": gettext_lazy("Saisissez une adresse électronique valide.")},
    )
    role = forms.ChoiceField(label=gettext_lazy("Rôle"), choices=Membership.Role.choices)

    def __init__(self, *args, user, centre: Centre, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (value, label)
            for value, label in Membership.Role.choices
            if can_invite(user, centre, role=value)
        ]
