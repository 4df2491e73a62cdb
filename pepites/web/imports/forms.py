from typing import cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.core.roles import is_national_team
from pepites.initiatives.imports.fields import FIELDS
from pepites.initiatives.imports.mapping import IGNORE
from pepites.initiatives.imports.readers.base import MAX_FILE_BYTES
from pepites.initiatives.models import InitiativeStatus, Theme
from pepites.network.models import Centre
from pepites.network.roles import centres_of

ACCEPT = ".csv,.txt,.tsv,.xlsx,.ods,.json,.geojson,.umap"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        help_text=gettext_lazy(
            "CSV (séparateur point-virgule, virgule ou tabulation), XLSX, ODS, GeoJSON, ou un "
            "export uMap ou GoGoCarto ; 20 Mo au plus."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    centre = forms.ChoiceField(
        label=gettext_lazy("Centre"),
        required=False,
        help_text=gettext_lazy("Les initiatives importées lui seront rattachées."),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("État des initiatives créées"),
        choices=[
            (InitiativeStatus.DRAFT, gettext_lazy("Brouillon : à relire avant publication")),
            (InitiativeStatus.PUBLISHED, gettext_lazy("Publiée tout de suite")),
        ],
        initial=InitiativeStatus.DRAFT,
        help_text=gettext_lazy("Sauf si le fichier a une colonne « état »."),
    )
    default_theme = forms.ChoiceField(
        label=gettext_lazy("Thématique des lignes qui n'en ont pas"), required=False
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Importer les lignes valides même si d'autres sont en erreur"),
        required=False,
    )
    place_later = forms.BooleanField(
        label=gettext_lazy(
            "Si le service d'adresses ne répond pas, garder les points sans commune et les "
            "placer plus tard"
        ),
        help_text=gettext_lazy(
            "Pour une carte uMap ou GoGoCarto sans colonne commune : la commune de chaque "
            "point est cherchée dès que le service répond, puis l'initiative est créée."
        ),
        required=False,
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if is_national_team(user):
            centres = Centre.objects.order_by("name")
            choices = [("", _("Le centre qui couvre la commune de chaque initiative"))]
        else:
            centres = centres_of(user)
            choices = []
            self.fields["centre"].required = True
        cast(forms.ChoiceField, self.fields["centre"]).choices = choices + list(
            centres.values_list("slug", "name")
        )
        themes = Theme.objects.order_by("position", "label").values_list("slug", "label")
        cast(forms.ChoiceField, self.fields["default_theme"]).choices = [
            ("", _("Aucune : erreur")),
            *themes,
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse %(max)s Mo.") % {"max": MAX_FILE_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        return upload


AUTO = ""


def mapping_choices() -> list[tuple[str, str]]:
    return [
        (AUTO, _("(reconnaissance automatique)")),
        (IGNORE, _("(ignorer cette colonne)")),
        *[(f.name, f"{f.label} — {f.name}") for f in FIELDS],
    ]


class MappingForm(forms.Form):
    """One choice per column of the file: automatic, ignored, or one of our fields."""

    def __init__(self, *args, columns: list[dict], current: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = mapping_choices()
        for column in columns:
            name = f"col_{column['letter']}"
            self.fields[name] = forms.ChoiceField(
                label=f"{column['letter']} — {column['header'] or '—'}",
                choices=choices,
                required=False,
                initial=current.get(column["letter"], AUTO),
            )

    def mapping(self) -> dict[str, str]:
        """{column letter: field name or IGNORE}, the automatic ones left out."""
        return {
            column["letter"]: self.cleaned_data[f"col_{column['letter']}"]
            for column in self.columns
            if self.cleaned_data.get(f"col_{column['letter']}")
        }
