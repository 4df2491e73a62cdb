from django.contrib import admin
from django.db import models

from pepites.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "siret", "kind", "commune", "administrative_state", "is_demo")
    list_filter = ("kind", "administrative_state", "is_demo")
    search_fields = ("name", "normalised_name", "siret", "legal_name")
    raw_id_fields = ("commune",)
    readonly_fields = (
        "normalised_name",
        "legal_name",
        "naf_code",
        "creation_date",
        "headcount_band",
        "is_ess",
        "administrative_state",
        "closed_on",
        "looked_up_at",
    )
