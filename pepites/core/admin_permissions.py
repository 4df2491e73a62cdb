"""Admin permission hooks for the models the national team manages (centres, themes,
memberships): the national team and superusers, and nobody else, whatever the Django
model permissions say. Deleting stays with superusers."""

from pepites.core.roles import is_national_team


class NationalTeamAdminMixin:
    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and is_national_team(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_staff and is_national_team(request.user)

    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_staff and is_national_team(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_staff and is_national_team(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
