from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceDataset(models.Model):
    """Which edition of an outside dataset the instance holds, and under which licence."""

    name = models.CharField(_("jeu de données"), max_length=100, unique=True)
    source = models.CharField(_("source"), max_length=200)
    version = models.CharField(_("version ou millésime"), max_length=50)
    licence = models.CharField(_("licence"), max_length=200)
    counts = models.JSONField(_("effectifs"), default=dict, blank=True)
    # Where a downloaded edition came from and its fingerprint: a second fetch of the same
    # file is recognised without downloading it again.
    url = models.URLField(_("adresse du fichier"), max_length=500, blank=True)
    checksum = models.CharField(_("empreinte (algorithme:valeur)"), max_length=140, blank=True)
    loaded_at = models.DateTimeField(_("chargé le"), auto_now=True)

    class Meta:
        verbose_name = _("jeu de données de référence")
        verbose_name_plural = _("jeux de données de référence")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class RateLimitHit(models.Model):
    """One counted event (a proposal sent, a failed login) under a key such as "proposal:ip:…".

    Kept in the database so that every server process counts the same events; see
    pepites/core/ratelimit.py. Keys hold hashes, never addresses in clear.
    """

    key = models.CharField(_("clé"), max_length=100)
    created_at = models.DateTimeField(_("date"))

    class Meta:
        verbose_name = _("événement compté")
        verbose_name_plural = _("événements comptés")
        indexes = [models.Index(fields=["key", "created_at"], name="ratelimit_key_date")]

    def __str__(self) -> str:
        return self.key


from pepites.core.jobs.models import PeriodicJobState, QueuedJob, WorkerBeat  # noqa: E402

__all__ = [
    "DataVersion",
    "PeriodicJobState",
    "QueuedJob",
    "RateLimitHit",
    "ReferenceDataset",
    "WorkerBeat",
]


class DataVersion(models.Model):
    """A counter moved by every write the public can see (pepites/core/dataversion.py)."""

    name = models.CharField(_("nom"), max_length=50, primary_key=True)
    value = models.BigIntegerField(_("valeur"), default=0)

    class Meta:
        verbose_name = _("version des données")
        verbose_name_plural = _("versions des données")

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"
