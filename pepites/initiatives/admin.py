from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from pepites.core.errors import ConflictError
from pepites.initiatives.models import Initiative, InitiativeLink, InitiativeQpv, Theme
from pepites.initiatives.services import save_initiative


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "colour", "icon", "position", "in_publication"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["label"]}


class InitiativeLinkInline(admin.TabularInline):
    model = InitiativeLink
    extra = 1


class InitiativeQpvInline(admin.TabularInline):
    model = InitiativeQpv
    extra = 0


class InitiativeAdminForm(forms.ModelForm):
    # The version the editor read; compared again atomically when saving.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Initiative
        fields = "__all__"  # noqa: DJ007 (the admin fieldsets choose the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        themes = cleaned.get("themes")
        principal = cleaned.get("principal_theme")
        if themes is not None and principal is not None and principal not in themes:
            self.add_error(
                "principal_theme",
                _("La thématique principale doit faire partie des thématiques choisies."),
            )
        if self.instance.pk:
            expected = cleaned.get("expected_version")
            current = (
                Initiative.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if expected != current:
                raise forms.ValidationError(
                    str(ConflictError(expected_version=expected, current_version=current))
                )
        return cleaned


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    form = InitiativeAdminForm
    list_display = [
        "title",
        "porteur_name",
        "commune",
        "principal_theme",
        "centre",
        "status",
        "is_demo",
        "updated_at",
    ]
    list_filter = ["status", "is_demo", "principal_theme", "centre", "porteur_kind"]
    search_fields = ["title", "porteur_name", "slug", "commune__name"]
    list_select_related = ["commune", "principal_theme", "centre"]
    raw_id_fields = ["commune"]
    filter_horizontal = ["themes"]
    readonly_fields = ["uid", "version", "created_at", "updated_at", "published_at"]
    inlines = [InitiativeLinkInline, InitiativeQpvInline]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "status", "is_demo", "expected_version"]}),
        (_("Description"), {"fields": ["context", "actions", "results", "replication"]}),
        (
            _("Porteur et partenaires"),
            {"fields": ["porteur_name", "porteur_kind", "partners", "funders", "target_public"]},
        ),
        (_("Thématiques"), {"fields": ["principal_theme", "themes"]}),
        (_("Dates"), {"fields": ["start_year", "is_running", "last_checked_at"]}),
        (_("Localisation"), {"fields": ["commune", "address", "latitude", "longitude", "centre"]}),
        (
            _("Contact public"),
            {"fields": ["contact_name", "contact_email", "contact_phone", "contact_consent"]},
        ),
        (_("Suivi"), {"fields": ["uid", "version", "created_at", "updated_at", "published_at"]}),
    ]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ["title"]}

    def save_model(self, request, obj, form, change):
        save_initiative(
            initiative=obj,
            expected_version=form.cleaned_data["expected_version"] if change else None,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConflictError as exc:  # lost the race between the form check and the save
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.path)
