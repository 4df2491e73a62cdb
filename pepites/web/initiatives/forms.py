"""The map's filters as an HTML form: one GET form, so that they work without JavaScript and
every view has an address that can be shared. The vocabulary and its validation are the
domain's (pepites/initiatives/filters.py); this adds the widgets and what the page shows."""

from __future__ import annotations

from django import forms
from django.forms.renderers import Jinja2
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.initiatives.filters import FilterForm
from pepites.initiatives.places import commune_label
from pepites.territories.selectors import QpvEntry, qpv_entries

HELP_TEXTS = {
    "q": gettext_lazy("Titre, porteur, résumé… ex. : épicerie solidaire"),
    "commune": gettext_lazy("Nom, code postal ou code INSEE"),
    "quartier": gettext_lazy("Nom, commune ou code du quartier, ex. QN09301M"),
    "relation": gettext_lazy(
        "« Pour les habitants » : située ailleurs, déclarée au service d'un quartier. "
        "Avec un quartier choisi : la situation par rapport à ce quartier."
    ),
    "lieu": gettext_lazy("Commune, code postal ou adresse : la liste commence au plus près"),
}

FAST_RENDERER = Jinja2()


def _widgets() -> dict[str, forms.Widget]:
    return {
        "q": forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        "thematique": forms.CheckboxSelectMultiple(),
        "programme": forms.CheckboxSelectMultiple(),
        "label": forms.CheckboxSelectMultiple(),
        "quartier": forms.TextInput(
            attrs={
                "autocomplete": "off",
                "list": "quartiers-suggestions",
                "aria-describedby": "id_quartier_helptext",
            }
        ),
        "relation": forms.Select(attrs={"aria-describedby": "id_relation_helptext"}),
        "lieu": forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        "pres": forms.HiddenInput(),
    }


class MapFilterForm(FilterForm):
    """Field names are the page's query parameters (French, as they appear in links)."""

    # Its widgets (a hundred options and checkboxes) through Django's own Jinja2 widget
    # templates, same markup: a third of the home page's time with the template engine.
    default_renderer = FAST_RENDERER

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, text in HELP_TEXTS.items():
            self.fields[name].help_text = text
        for name, widget in _widgets().items():
            field = self.fields[name]
            # What Field.__init__ does with a widget given at declaration.
            widget.is_required = field.required
            widget.attrs.update(field.widget_attrs(widget))
            if isinstance(field, forms.ChoiceField):
                widget.choices = field.choices
            field.widget = widget

    def theme_options(self) -> list[tuple]:
        """(checkbox, theme) pairs: the template shows each theme's colour beside it."""
        return list(zip(self["thematique"], self.theme_objects, strict=True))

    def programme_label_fields(self) -> list:
        return [self["programme"], self["label"]]

    def territory_fields(self) -> list:
        return [self[name] for name in ("region", "departement", "commune", "centre")]

    def qpv_suggestions(self) -> list[QpvEntry]:
        """The datalist of the QPV field: the QPV of the région or département chosen (a
        hundred or two at most); nationwide, the page's script suggests them as one types."""
        data = getattr(self, "cleaned_data", {})
        region, departement = data.get("region") or "", data.get("departement") or ""
        if not (region or departement):
            return []
        return qpv_entries(region=region, departement=departement)

    def commune_text(self) -> str:
        return " ".join(str(self.data.get("commune", "")).split()) if self.is_bound else ""

    def around_label(self) -> str:
        """What the list is ordered around, in words ("" when it is not)."""
        if self.place is not None:
            return self.place.label
        data = getattr(self, "cleaned_data", {})
        if data.get("near") is not None:
            return data.get("lieu") or _("votre position")
        return ""

    def commune_labels(self) -> list[str]:
        return [commune_label(c) for c in self.communes]
