"""The filter vocabulary of the platform: what a search of published initiatives may say
(words, themes, territory, centre, QPV and relation, place, essaimées), read from a query string and
validated with French errors. The map's HTML form, the API, the exports, the embed and the
feeds all read their filters here, with the same names as in the map's address."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any, cast

from django import forms
from django.core.cache import cache
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pepites.core import dataversion
from pepites.initiatives.labels.selectors import label_choices, programme_choices
from pepites.initiatives.models import QpvPlacement, Theme
from pepites.initiatives.places import (
    Place,
    commune_points,
    find_place,
    homonyms,
    place_label,
)
from pepites.initiatives.selectors import QPV_RELATION_FILTER_CHOICES, Near
from pepites.network.models import Centre
from pepites.territories.models import Commune
from pepites.territories.selectors import (
    QpvEntry,
    departement_choices,
    region_choices,
    resolve_qpv,
    search_communes,
)

_POINT = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def parse_point(text: str) -> Near | None:
    """ "48.85,2.35" → Near, or None when it is not a point on Earth."""
    match = _POINT.match(text or "")
    if not match:
        return None
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Near(latitude=latitude, longitude=longitude)


RADIUS_CHOICES_KM = (2, 5, 10, 20, 50, 100)


@dataclass(frozen=True)
class SearchFilters:
    """A validated search: the keyword arguments of filter_published_initiatives."""

    themes: list[str] = field(default_factory=list)  # slugs, one or another
    region: str = ""
    departement: str = ""
    commune: list[str] = field(default_factory=list)  # INSEE codes
    centre: str = ""  # slug
    qpv_code: str = ""
    qpv_relation: str = ""  # "dans", "proximite", "pour", "hors"
    query: str = ""
    near: Near | None = None  # nearest first
    essaimees: bool = False  # only those reproduced elsewhere ("inspirée de" links)
    programmes: list[str] = field(default_factory=list)  # slugs, one or another
    labels: list[str] = field(default_factory=list)  # slugs (granted or derived), one or another

    def as_kwargs(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


KEEP_SECONDS = 24 * 3600  # a new data version makes new keys anyway


def _read_choices() -> dict[str, list]:
    centres = Centre.objects.order_by("name").values_list("slug", "name")
    return {
        "programme": programme_choices(),
        "label": label_choices(),
        "region": region_choices(),
        "departement": departement_choices(),
        "centre": [("", _("Tous les centres")), *centres],
    }


def _choices() -> dict[str, list]:
    """The lists of the territory, centre, programme and label fields, read once per
    version of the public data (five queries that every map page and API list made)."""
    key = dataversion.versioned_key("filter-choices", get_language())
    return cache.get_or_set(key, _read_choices, KEEP_SECONDS) or _read_choices()


class FilterForm(forms.Form):
    """The filters read from a query string. Field names are the query parameters (French,
    as they appear in links); a value that does not validate gets a French error."""

    q = forms.CharField(label=gettext_lazy("Mots-clés"), required=False, max_length=200)
    thematique = forms.MultipleChoiceField(label=gettext_lazy("Thématiques"), required=False)
    programme = forms.MultipleChoiceField(label=gettext_lazy("Programmes"), required=False)
    label = forms.MultipleChoiceField(label=gettext_lazy("Labels"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Région"), required=False)
    departement = forms.ChoiceField(label=gettext_lazy("Département"), required=False)
    commune = forms.CharField(label=gettext_lazy("Commune"), required=False, max_length=100)
    centre = forms.ChoiceField(label=gettext_lazy("Centre de ressources"), required=False)
    # After the territory: a name typed is looked for in the région or département chosen.
    quartier = forms.CharField(
        label=gettext_lazy("Quartier prioritaire (QPV)"), required=False, max_length=200
    )
    relation = forms.ChoiceField(
        label=gettext_lazy("Situation par rapport aux QPV"), required=False
    )
    # Older links say "qpv=on": read as relation=dans (see __init__), no longer shown.
    qpv = forms.BooleanField(required=False)
    essaimees = forms.BooleanField(
        label=gettext_lazy("Seulement les initiatives essaimées (reproduites ailleurs)"),
        required=False,
    )
    lieu = forms.CharField(label=gettext_lazy("Autour d'un lieu"), required=False, max_length=200)
    # The point the list is ordered around: set by the place search or "autour de moi".
    pres = forms.CharField(required=False, max_length=40)
    rayon = forms.TypedChoiceField(
        label=gettext_lazy("Dans un rayon de"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("toutes distances"))]
        + [(km, gettext_lazy("%(km)s km") % {"km": km}) for km in RADIUS_CHOICES_KM],
    )

    def __init__(self, *args, themes=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        older_link = self.is_bound and self.fields["qpv"].to_python(self.data.get("qpv"))
        if older_link and not self.data.get("relation"):
            self.data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
            self.data["relation"] = QpvPlacement.IN.value  # type: ignore[index]
        themes = themes if themes is not None else Theme.objects.order_by("position", "label")
        self.theme_objects = list(themes)
        cast(forms.ChoiceField, self.fields["thematique"]).choices = [
            (t.slug, t.label) for t in self.theme_objects
        ]
        for name, choices in _choices().items():
            cast(forms.ChoiceField, self.fields[name]).choices = choices
        cast(forms.ChoiceField, self.fields["relation"]).choices = [
            ("", _("Toutes les situations")),
            *QPV_RELATION_FILTER_CHOICES,
        ]
        self.communes: list[Commune] = []
        self.chosen_qpv: QpvEntry | None = None
        self.place: Place | None = None
        self.place_message = ""

    def clean_commune(self) -> str:
        text = " ".join(self.cleaned_data["commune"].split())
        if text:
            self.communes = search_communes(text=text)
            if not self.communes:
                raise forms.ValidationError(
                    _("Aucune commune ne correspond à « %(text)s ».") % {"text": text}
                )
            if homonyms(commune_points(self.communes)):
                raise forms.ValidationError(
                    _("Plusieurs communes portent ce nom : précisez laquelle, %(choices)s.")
                    % {"choices": " ; ".join(place_label(c) for c in self.communes)}
                )
        return text

    def clean_quartier(self) -> str:
        text = " ".join(self.cleaned_data["quartier"].split())
        if text:
            entry, found = resolve_qpv(
                text=text,
                region=self.cleaned_data.get("region") or "",
                departement=self.cleaned_data.get("departement") or "",
            )
            if entry is None and found:
                raise forms.ValidationError(
                    _(
                        "Plusieurs quartiers prioritaires correspondent à « %(text)s » : "
                        "choisissez-en un dans la liste ou tapez son code, ex. %(choices)s."
                    )
                    % {"text": text, "choices": " ; ".join(e.label for e in found[:3])}
                )
            if entry is None:
                raise forms.ValidationError(
                    _("Aucun quartier prioritaire ne correspond à « %(text)s ».") % {"text": text}
                )
            self.chosen_qpv = entry
        return text

    def clean(self) -> dict:
        data = cast(dict[str, Any], super().clean())  # the form's cleaned_data
        near = parse_point(data.get("pres", ""))
        place_text = data.get("lieu", "")
        if near is None and place_text:
            found = find_place(text=place_text)
            if homonyms(found.places):
                self.place_message = _(
                    "Plusieurs lieux portent ce nom : précisez lequel, %(choices)s."
                ) % {"choices": " ; ".join(p.label for p in found.places)}
            elif found.places:
                self.place = found.places[0]
                near = Near(latitude=self.place.latitude, longitude=self.place.longitude)
                # The page's scripts order the list around the same point.
                self.data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
                self.data["pres"] = f"{near.latitude:.5f},{near.longitude:.5f}"  # type: ignore[index]
            else:
                self.place_message = found.message
        if near is not None and data.get("rayon"):
            near = Near(near.latitude, near.longitude, radius_km=float(data["rayon"]))
        data["near"] = near
        return data

    def search(self) -> SearchFilters:
        """The search the valid fields describe: a stale value in a shared link is reported
        (form.errors) and ignored, never a failure."""
        if not self.is_bound:
            return SearchFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return SearchFilters(
            themes=data.get("thematique") or [],
            region=data.get("region") or "",
            departement=data.get("departement") or "",
            commune=[c.code for c in self.communes] if "commune" in data else [],
            centre=data.get("centre") or "",
            qpv_code=self.chosen_qpv.code if self.chosen_qpv and "quartier" in data else "",
            qpv_relation=data.get("relation") or "",
            query=data.get("q") or "",
            near=data.get("near"),
            essaimees=bool(data.get("essaimees")),
            programmes=data.get("programme") or [],
            labels=data.get("label") or [],
        )

    def filters(self) -> dict:
        """Keyword arguments of filter_published_initiatives (see search); {} when unbound."""
        return self.search().as_kwargs() if self.is_bound else {}
