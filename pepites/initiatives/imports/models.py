"""An import of the workspace, kept in the database: any app server shows its progress, and
a restart loses nothing (the worker that runs it may be anywhere)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.imports.options import STAGES


class ImportState(models.TextChoices):
    CHECKING = "checking", _("vérification en cours")
    CHECKED = "checked", _("vérifié")
    WRITING = "writing", _("import en cours")
    DONE = "done", _("terminé")
    FAILED = "failed", _("échoué")


class ImportJob(models.Model):
    token = models.CharField(_("jeton"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("par")
    )
    filename = models.CharField(_("fichier"), max_length=200)
    source = models.BinaryField(_("contenu du fichier"))
    centre_slug = models.CharField(_("centre"), max_length=100, blank=True)
    status = models.CharField(_("état des initiatives créées"), max_length=20)
    default_theme = models.CharField(_("thématique par défaut"), max_length=100, blank=True)
    skip_invalid = models.BooleanField(_("ignorer les lignes en erreur"), default=False)
    place_later = models.BooleanField(
        _("garder les points sans commune pour les placer plus tard"), default=False
    )
    mapping = models.JSONField(_("correspondance des colonnes"), default=dict, blank=True)
    state = models.CharField(
        _("état"), max_length=10, choices=ImportState.choices, default=ImportState.CHECKING
    )
    stage = models.CharField(_("étape"), max_length=10, default="read")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(_("bilan"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=200, blank=True)
    task_id = models.CharField(_("tâche en cours"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)


class PendingPlacement(models.Model):
    """A row of an import kept without its commune (the address service did not answer):
    `imports.pending` finds the commune from the point later and creates the initiative."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("importée par"),
    )
    filename = models.CharField(_("fichier"), max_length=200)
    line = models.PositiveIntegerField(_("ligne"))
    title = models.CharField(_("titre"), max_length=200)
    centre_slug = models.CharField(_("centre imposé"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    # The arguments of create_initiative but the commune (and the SIRET, when given).
    data = models.JSONField(_("champs de l'initiative"))
    attempts = models.PositiveIntegerField(_("essais"), default=0)
    last_error = models.CharField(_("dernier problème"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("gardée le"), auto_now_add=True)
    tried_at = models.DateTimeField(_("dernier essai"), null=True, blank=True)

    class Meta:
        verbose_name = _("ligne à placer plus tard")
        verbose_name_plural = _("lignes à placer plus tard")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title
