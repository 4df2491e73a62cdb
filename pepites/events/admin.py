"""The agenda in the admin, read only, for the national team: events and registrations are
written through the workspace (optimistic locking, history, e-mails), never here."""

from django.contrib import admin

from pepites.core.roles import is_national_team
from pepites.events.models import Event, Registration


class ReadOnlyForTheNetwork(admin.ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and is_national_team(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyForTheNetwork):
    list_display = ["title", "kind", "starts_at", "time_zone", "status", "is_demo"]
    list_filter = ["status", "kind", "time_zone", "is_demo"]
    search_fields = ["title", "slug"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyForTheNetwork):
    list_display = ["name", "email", "event", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["email", "name", "event__title"]
    exclude = ["token"]
