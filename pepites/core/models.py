from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceDataset(models.Model):
    """Which edition of an outside dataset the instance holds, and under which licence."""

    name = models.CharField(_("jeu de données"), max_length=100, unique=True)
    source = models.CharField(_("source"), max_length=200)
    version = models.CharField(_("version ou millésime"), max_length=50)
    licence = models.CharField(_("licence"), max_length=200)
    counts = models.JSONField(_("effectifs"), default=dict, blank=True)
    loaded_at = models.DateTimeField(_("chargé le"), auto_now=True)

    class Meta:
        verbose_name = _("jeu de données de référence")
        verbose_name_plural = _("jeux de données de référence")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"
