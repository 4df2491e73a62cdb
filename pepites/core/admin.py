from django.contrib import admin

from pepites.core.models import ReferenceDataset


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "licence", "loaded_at"]
    readonly_fields = [
        "name",
        "source",
        "version",
        "licence",
        "counts",
        "url",
        "checksum",
        "loaded_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False


from pepites.core.jobs import admin as jobs_admin  # noqa: E402, F401  (registers the queue's admin)
