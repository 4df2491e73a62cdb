from django.contrib import admin
from django.db import models

from pepites.core.admin_permissions import NationalTeamAdminMixin, PublicDataAdminMixin
from pepites.network.models import Centre, Invitation, Membership


@admin.register(Centre)
class CentreAdmin(PublicDataAdminMixin, NationalTeamAdminMixin, admin.ModelAdmin):
    # Django 6's default, stated now (Django 5.2 warns without it).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "territory_label", "status", "website"]
    list_filter = ["status"]
    search_fields = ["name", "former_name", "territory_label", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["departements"]


@admin.register(Membership)
class MembershipAdmin(NationalTeamAdminMixin, admin.ModelAdmin):
    list_display = ["user", "centre", "role", "created_at"]
    list_filter = ["role", "centre"]
    search_fields = ["user__email", "user__username", "centre__name"]
    raw_id_fields = ["user", "invited_by"]


@admin.register(Invitation)
class InvitationAdmin(NationalTeamAdminMixin, admin.ModelAdmin):
    """Invitations are sent from the workspace (the e-mail carries the only copy of the
    token); the admin lists them."""

    list_display = ["email", "centre", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["centre", "role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created_at", "accepted_at"]

    def has_add_permission(self, request) -> bool:
        return False
