from django.contrib import admin

from pepites.territories.models import (
    Commune,
    Departement,
    Qpv,
    QpvCommune,
    QpvIndicator,
    Region,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "zone"]
    search_fields = ["code", "name"]
    list_filter = ["zone"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "zone"]
    search_fields = ["code", "name"]
    list_filter = ["zone", "region"]
    list_select_related = ["region"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "departement", "population"]
    search_fields = ["code", "name"]
    list_filter = ["kind", "region"]
    list_select_related = ["departement"]
    raw_id_fields = ["parent"]
    show_full_result_count = False


class QpvCommuneInline(admin.TabularInline):
    model = QpvCommune
    extra = 0
    fields = ["commune_code", "position"]
    readonly_fields = fields  # type: ignore[assignment]
    can_delete = False


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    """Read-only: the outlines come from the ANCT's file (pepites import_qpv)."""

    list_display = ["code", "name", "generation", "is_demo", "departement", "updated_at"]
    search_fields = ["code", "name", "communes_label"]
    list_filter = ["generation", "region"]
    list_select_related = ["departement"]
    inlines = [QpvCommuneInline]
    exclude = ["outline"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QpvIndicator)
class QpvIndicatorAdmin(admin.ModelAdmin):
    """Read-only: the figures come from the INSEE's file (pepites import_qpv_indicators)."""

    list_display = ["code", "scope", "indicator", "vintage", "value", "status", "unit"]
    search_fields = ["code"]
    list_filter = ["scope", "indicator", "vintage"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
