"""A private check-in link: only the SHA-256 of its random secret is stored, so the table
gives nobody a usable link; a link serves one purpose, once, until it expires or is revoked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckinPurpose(models.TextChoices):
    YEARLY = "bilan", _("Bilan annuel")


class CheckinAnswer(models.TextChoices):
    NONE = "", _("Pas de réponse")
    RUNNING = "en_cours", _("Toujours en cours")
    STOPPED = "arretee", _("Arrêtée")
    CHANGES = "modifications", _("Modifications proposées")


class CheckinLink(models.Model):
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        related_name="checkin_links",
        verbose_name=_("initiative"),
    )
    purpose = models.CharField(_("objet"), max_length=12, choices=CheckinPurpose.choices)
    secret_hash = models.CharField(_("empreinte du secret"), max_length=64, unique=True)
    email = models.EmailField(_("envoyé à"))
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("renvoyé par"),
        help_text=_("Vide : envoi automatique annuel."),
    )
    used_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    answer = models.CharField(
        _("réponse"), max_length=14, choices=CheckinAnswer.choices, default="", blank=True
    )
    proposal = models.ForeignKey(
        "initiatives.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkin_links",
        verbose_name=_("correction proposée"),
    )

    class Meta:
        verbose_name = _("lien de bilan annuel")
        verbose_name_plural = _("liens de bilan annuel")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["initiative", "purpose", "created_at"], name="checkin_latest")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.initiative_id} ({self.created_at:%Y-%m-%d})"
