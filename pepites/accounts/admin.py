from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from pepites.accounts.models import ApiToken
from pepites.accounts.tokens import create_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["name", "user__username", "user__email", "prefix"]
    raw_id_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "scope", "expires_at"]
        return [
            "user",
            "name",
            "prefix",
            "scope",
            "created_at",
            "last_used_at",
            "last_used_ip",
            "expires_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "prefix", "scope", "created_at", "last_used_at", "last_used_ip"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        new = create_token(user=obj.user, name=obj.name, scope=obj.scope, expires_at=obj.expires_at)
        obj.pk = new.token.pk
        obj.__dict__.update(new.token.__dict__)
        messages.warning(
            request,
            _("Jeton créé : %(raw)s — copiez-le maintenant, il ne sera plus affiché.")
            % {"raw": new.raw},
        )

    @admin.action(description=_("Révoquer les jetons choisis"))
    def revoke(self, request, queryset):
        from django.utils import timezone

        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(n)s jeton(s) révoqué(s).") % {"n": count})
