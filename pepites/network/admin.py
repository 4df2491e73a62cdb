from django.contrib import admin

from pepites.network.models import Centre


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "territory_label", "status", "website"]
    list_filter = ["status"]
    search_fields = ["name", "former_name", "territory_label", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["departements"]
