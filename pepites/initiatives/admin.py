from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from pepites.core.admin_permissions import NationalTeamAdminMixin
from pepites.core.errors import ConflictError
from pepites.core.roles import is_national_team
from pepites.initiatives import permissions
from pepites.initiatives.deletion import delete_initiatives
from pepites.initiatives.harvest.models import HarvestSource
from pepites.initiatives.history import record_version
from pepites.initiatives.models import (
    Initiative,
    InitiativeImage,
    InitiativeLink,
    InitiativeQpv,
    Proposal,
    Theme,
)
from pepites.initiatives.services import (
    check_contact_consent,
    check_principal_theme,
    save_initiative,
)
from pepites.network.models import Centre
from pepites.network.permissions import can_access_workspace


@admin.register(Theme)
class ThemeAdmin(NationalTeamAdminMixin, admin.ModelAdmin):
    list_display = ["label", "slug", "colour", "icon", "position", "in_publication"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["label"]}


class InitiativeLinkInline(admin.TabularInline):
    model = InitiativeLink
    extra = 1
    # Django 6's default, stated now (Django 5.2 warns without it).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class InitiativeQpvInline(admin.TabularInline):
    model = InitiativeQpv
    extra = 0


class InitiativeImageInline(admin.TabularInline):
    """Images are added through the workspace (checked and re-encoded there)."""

    model = InitiativeImage
    extra = 0
    fields = ["small", "alt_text", "credits", "position", "is_hidden"]
    readonly_fields = ["small"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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
        # The services' rules, with their messages (save_initiative checks them again).
        rules = [
            lambda: check_contact_consent(
                contact_name=cleaned.get("contact_name"),
                contact_email=cleaned.get("contact_email"),
                contact_phone=cleaned.get("contact_phone"),
                consent=bool(cleaned.get("contact_consent")),
            )
        ]
        if cleaned.get("themes") is not None:
            rules.append(
                lambda: check_principal_theme(
                    principal_theme=cleaned.get("principal_theme"), themes=cleaned["themes"]
                )
            )
        for rule in rules:
            try:
                rule()
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for message in errors:
                        self.add_error(field, message)
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
    inlines = [InitiativeLinkInline, InitiativeQpvInline, InitiativeImageInline]
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

    # Object permissions: the same rules as the workspace and the API
    # (pepites/initiatives/permissions.py). Only an administrator purges.
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=permissions.editable_initiatives(request.user).values("pk"))

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and can_access_workspace(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if not request.user.is_staff:
            return False
        if obj is None:
            return can_access_workspace(request.user)
        return permissions.can_edit_initiative(request.user, obj)

    def has_add_permission(self, request) -> bool:
        return request.user.is_staff and can_access_workspace(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    # Deletions (one or a selection): audit trail, search index and map (the service).
    def delete_model(self, request, obj) -> None:
        delete_initiatives(initiatives=[obj], actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        delete_initiatives(initiatives=queryset, actor=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "centre" and not is_national_team(request.user):
            kwargs["queryset"] = Centre.objects.filter(memberships__user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not permissions.can_create_initiative(request.user, centre=obj.centre):
            raise PermissionDenied
        save_initiative(
            initiative=obj,
            expected_version=form.cleaned_data["expected_version"] if change else None,
            record=False,  # recorded in save_related, once the themes are saved too
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_version(
            form.instance,
            created=not change,
            user=request.user,
            reason=str(_("Modifiée dans l'administration")),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConflictError as exc:  # lost the race between the form check and the save
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.path)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "centre", "commune", "created_at"]
    list_filter = ["status", "kind", "centre"]
    search_fields = ["data", "proposer_email", "message"]
    raw_id_fields = ["initiative", "commune"]
    readonly_fields = ["created_at", "consent_at", "ip_hash", "decided_at", "decided_by"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("centre", "commune", "initiative")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=permissions.moderated_proposals(request.user).values("pk"))

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and can_access_workspace(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        if not request.user.is_staff:
            return False
        if obj is None:
            return can_access_workspace(request.user)
        return permissions.can_moderate(request.user, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        # Decisions go through the workspace (e-mails, history); the admin only reads.
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "centre", "kind", "state", "failures", "last_fetched_at", "is_demo")
    list_filter = ("kind", "state", "is_demo")
    search_fields = ("name", "url")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    exclude = ("pending_content",)
    readonly_fields = (
        "etag",
        "last_modified",
        "content_sha256",
        "pending_diff",
        "known_slugs",
        "failures",
        "last_error",
        "last_fetched_at",
        "last_changed_at",
    )
