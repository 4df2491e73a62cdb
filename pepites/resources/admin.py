"""Resources in the admin: read only (created and edited in the workspace, where the
optimistic locking, the file checks and the history apply)."""

from django.contrib import admin

from pepites.resources.models import Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "date", "status", "text_status", "page_count", "is_demo")
    list_filter = ("kind", "status", "text_status", "is_demo", "centres")
    search_fields = ("title", "authors")
    date_hierarchy = "date"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff
