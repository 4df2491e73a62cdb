"""Forms of the resource library: the public filters and the workspace's resource form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.models import Initiative, Theme
from pepites.network.models import Centre
from pepites.resources.files import check_resource_file
from pepites.resources.models import Licence, ResourceKind, ResourceStatus
from pepites.resources.selectors import ResourceFilters, resource_years
from pepites.territories.models import Commune, Departement, Qpv, Region

TERRITORY_LEVELS = ("region", "departement", "commune", "qpv")


class ResourceFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False)
    thematique = forms.ChoiceField(label=_("Thématique"), required=False)
    centre = forms.ChoiceField(label=_("Centre"), required=False)
    territoire = forms.ChoiceField(label=_("Territoire"), required=False)
    annee = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        self.fields["type"].choices = [("", _("Tous les types")), *ResourceKind.choices]
        self.fields["thematique"].choices = [("", _("Toutes les thématiques"))] + [
            (t.slug, t.label) for t in Theme.objects.order_by("position", "label")
        ]
        self.fields["centre"].choices = [("", _("Tous les centres"))] + [
            (c.slug, c.name) for c in Centre.objects.order_by("name")
        ]
        regions = [(f"region:{r.code}", r.name) for r in Region.objects.order_by("name")]
        departements = [
            (f"departement:{d.code}", f"{d.name} ({d.code})")
            for d in Departement.objects.order_by("code")
        ]
        territory = [("", _("Tous les territoires"))]
        territory += [(_("Régions"), regions), (_("Départements"), departements)]
        # A commune or a quartier reached from its page (?territoire=qpv:QN…) stays choosable.
        wanted = str(self.data.get("territoire", "")) if self.is_bound else ""
        level, _sep, code = wanted.partition(":")
        if level == "commune" and (commune := Commune.objects.filter(pk=code).first()):
            territory.append((wanted, commune.name))
        elif level == "qpv" and (qpv := Qpv.objects.filter(pk=code).first()):
            territory.append((wanted, qpv.name))
        self.fields["territoire"].choices = territory
        self.fields["annee"].choices = everything + [(y, str(y)) for y in resource_years()]

    def filters(self) -> ResourceFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ResourceFilters(
            kind=data.get("type") or "",
            theme=data.get("thematique") or "",
            centre=data.get("centre") or "",
            territory=data.get("territoire") or "",
            year=data.get("annee"),
        )


class ResourceForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Titre"), max_length=250)
    kind = forms.ChoiceField(
        label=_("Type"),
        # The articles of L'Éco des quartiers come from the publication, never typed again.
        choices=[c for c in ResourceKind.choices if c[0] != ResourceKind.ARTICLE],
    )
    summary = forms.CharField(
        label=_("Résumé"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    authors = forms.CharField(label=_("Auteurs et autrices"), max_length=300, required=False)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    centres = forms.ModelMultipleChoiceField(
        label=_("Centres qui l'ont produite"),
        queryset=Centre.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thématiques"),
        queryset=Theme.objects.order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Régions"),
        queryset=Region.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departements = forms.ModelMultipleChoiceField(
        label=_("Départements"),
        queryset=Departement.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    communes = forms.CharField(
        label=_("Communes (codes INSEE séparés par des espaces)"), required=False, max_length=500
    )
    qpvs = forms.CharField(
        label=_("Quartiers prioritaires (codes QPV séparés par des espaces)"),
        required=False,
        max_length=500,
    )
    initiatives = forms.CharField(
        label=_("Initiatives liées (identifiants de leur adresse, séparés par des espaces)"),
        required=False,
        max_length=2000,
    )
    file = forms.FileField(
        label=_("Fichier (PDF, ODT ou DOCX)"), required=False, allow_empty_file=False
    )
    remove_file = forms.BooleanField(label=_("Retirer le fichier"), required=False)
    external_url = forms.URLField(
        label=_("Lien externe"), required=False, max_length=500, assume_scheme="https"
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)
    status = forms.ChoiceField(label=_("État"), choices=ResourceStatus.choices)

    def __init__(self, *args, centres=None, **kwargs):
        super().__init__(*args, **kwargs)
        if centres is not None:
            self.fields["centres"].queryset = centres
        self.checked_file = None

    def _codes(self, name: str, model, label: str):
        codes = self.cleaned_data.get(name, "").split()
        found = {o.pk: o for o in model.objects.filter(pk__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("%(what)s inconnus : %(codes)s.") % {"what": label, "codes": ", ".join(unknown)}
            )
        return [found[c] for c in codes]

    def clean_communes(self):
        return self._codes("communes", Commune, _("Codes de commune"))

    def clean_qpvs(self):
        return self._codes("qpvs", Qpv, _("Codes de quartier"))

    def clean_initiatives(self):
        slugs = self.cleaned_data.get("initiatives", "").split()
        found = {i.slug: i for i in Initiative.objects.filter(slug__in=slugs)}
        unknown = [s for s in slugs if s not in found]
        if unknown:
            raise forms.ValidationError(
                _("Initiatives inconnues : %(slugs)s.") % {"slugs": ", ".join(unknown)}
            )
        return [found[s] for s in slugs]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                self.checked_file = check_resource_file(upload)
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.message_dict["file"]) from exc
        return upload

    def values(self) -> dict:
        data = self.cleaned_data
        names = ("title", "kind", "summary", "authors", "date", "external_url", "licence", "status")
        values = {name: data[name] for name in names}
        for name in (
            "centres",
            "themes",
            "regions",
            "departements",
            "communes",
            "qpvs",
            "initiatives",
        ):
            values[name] = list(data[name])
        return values

    @staticmethod
    def initial_for(resource) -> dict:
        return {
            "expected_version": resource.version,
            "title": resource.title,
            "kind": resource.kind,
            "summary": resource.summary,
            "authors": resource.authors,
            "date": resource.date,
            "centres": list(resource.centres.all()),
            "themes": list(resource.themes.all()),
            "regions": list(resource.regions.all()),
            "departements": list(resource.departements.all()),
            "communes": " ".join(resource.communes.values_list("pk", flat=True)),
            "qpvs": " ".join(resource.qpvs.values_list("pk", flat=True)),
            "initiatives": " ".join(resource.initiatives.values_list("slug", flat=True)),
            "external_url": resource.external_url,
            "licence": resource.licence,
            "status": resource.status,
        }
