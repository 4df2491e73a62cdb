"""The audit trail for the national team: a filterable, read-only list."""

from django.contrib import admin

from pepites.audit.models import AuditEntry
from pepites.core.roles import is_national_team


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "target_label", "ip_address")
    list_filter = ("action", "at", "target_type")
    search_fields = ("actor_label", "target_label", "target_id", "ip_address")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and is_national_team(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_staff and is_national_team(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
