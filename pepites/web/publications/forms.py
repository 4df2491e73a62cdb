from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.models import Theme
from pepites.network.models import Centre
from pepites.publications.models import Article, Issue, Series
from pepites.territories.models import Departement, Region

MAX_IMAGE_BYTES = 5 * 1024 * 1024


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_("J'accepte de recevoir l'annonce des nouveaux numéros"),
        error_messages={"required": _("Cochez la case pour donner votre accord.")},
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by robots.
    website = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, consent_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if consent_label:
            self.fields["consent"].label = consent_label

    def is_robot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class IssueCreateForm(forms.Form):
    series = forms.ModelChoiceField(
        label=_("Collection"), queryset=Series.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    number = forms.IntegerField(
        label=_("Numéro"),
        min_value=1,
        required=False,
        help_text=_("Vide : le numéro suivant de la collection."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thématiques"),
        queryset=Theme.objects.order_by("position", "label"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    planned_date = forms.DateField(
        label=_("Parution prévue le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, series_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = series_queryset

    def clean(self):
        cleaned = super().clean()
        series, number = cleaned.get("series"), cleaned.get("number")
        if series and number and series.issues.filter(number=number).exists():
            self.add_error(
                "number",
                _("Le numéro %(number)s existe déjà dans cette collection.") % {"number": number},
            )
        return cleaned


class IssueForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Issue
        fields = ["title", "number", "themes", "planned_date", "editorial", "editorial_author"]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "planned_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "editorial": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.order_by("position", "label")
        if self.instance.pk and not self.is_bound:
            self.fields["expected_version"].initial = self.instance.version


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "author", "centres", "body", "image", "image_alt", "image_credit"]
        widgets = {
            "centres": forms.CheckboxSelectMultiple,
            "body": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centres"].queryset = Centre.objects.order_by("name")

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and getattr(image, "size", 0) > MAX_IMAGE_BYTES:
            raise forms.ValidationError(_("L'image dépasse 5 Mo : réduisez-la avant de l'envoyer."))
        return image


ArticleFormSet = inlineformset_factory(
    Issue, Article, form=ArticleForm, extra=1, can_delete=True, can_order=False
)


class PortfolioForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Thématique"),
        queryset=Theme.objects.order_by("position", "label"),
        to_field_name="slug",
        required=False,
        empty_label=_("Toutes"),
    )
    region = forms.ModelChoiceField(
        label=_("Région"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=_("Toutes"),
    )
    departement = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Departement.objects.order_by("code"),
        required=False,
        empty_label=_("Tous"),
    )
    centre = forms.ModelChoiceField(
        label=_("Centre de ressources"),
        queryset=Centre.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Tous"),
    )
