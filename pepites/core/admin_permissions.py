"""Admin permission hooks for the models the national team manages (centres, themes,
memberships): the national team and superusers, and nobody else, whatever the Django
model permissions say. Deleting stays with superusers."""

from pepites.core import dataversion
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


class PublicDataAdminMixin:
    """An admin whose saves and deletions change what the public sees: each moves the data
    version (pepites/core/dataversion.py) inside the admin's transaction."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        dataversion.bump()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        dataversion.bump()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        dataversion.bump()
