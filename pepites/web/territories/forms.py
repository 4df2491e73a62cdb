"""The filters of the /quartiers/ index: one GET form, so every view has an address."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from pepites.territories.selectors import departement_choices, region_choices


class QpvIndexForm(forms.Form):
    """Field names are the page's query parameters (French, as they appear in links)."""

    region = forms.ChoiceField(label=gettext_lazy("Région"), required=False)
    departement = forms.ChoiceField(label=gettext_lazy("Département"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Nom, commune ou code"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("ex. Puits, Saint-Denis ou QN09301M"),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "aria-describedby": "id_q_helptext"}
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
        self.fields["departement"].choices = departement_choices()

    def filters(self) -> dict[str, str]:
        """Keyword arguments of qpv_index_entries, from the valid fields only: a stale value
        in a shared link is reported and ignored, never a failure."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "region": data.get("region") or "",
            "departement": data.get("departement") or "",
            "text": data.get("q") or "",
        }
