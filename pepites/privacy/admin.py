from django.contrib import admin

from pepites.core.admin_permissions import NationalTeamAdminMixin
from pepites.privacy.models import LegalPage


@admin.register(LegalPage)
class LegalPageAdmin(NationalTeamAdminMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "updated_at")
