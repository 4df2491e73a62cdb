"""Personal API tokens: a centre member writes through the API with the same rights as in
the interface. Only a hash of the token is stored; the token itself is shown once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ = "read", _("lecture")
    WRITE = "write", _("lecture et écriture")


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("compte"),
    )
    name = models.CharField(
        _("nom"), max_length=100, help_text=_("À quoi sert ce jeton (ex. « site du centre »).")
    )
    prefix = models.CharField(
        _("début du jeton"), max_length=12, help_text=_("Pour reconnaître le jeton.")
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    scope = models.CharField(
        _("droits"),
        max_length=10,
        choices=TokenScope.choices,
        default=TokenScope.READ,
        help_text=_("Un jeton en lecture ne peut ni créer ni modifier."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(
        _("adresse de la dernière utilisation"), null=True, blank=True
    )
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]
        db_table = "api_apitoken"  # the table it had in the api app (moved without a copy)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE
