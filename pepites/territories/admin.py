from django.contrib import admin

from pepites.territories.models import Commune, Departement, Region


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
