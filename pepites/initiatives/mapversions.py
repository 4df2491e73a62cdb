"""Files built once per data version for every app server: the map data (its versions and
the current one) and the open-data files.

The map data are stored in the database rather than in the media storage: every app
server already reads it, the compressed file is small (about 10 bytes an initiative), and
the switch to a new version is one UPDATE of the pointer row, atomic for the whole
deployment, where an object store offers no atomic rename and a filesystem is not shared
between machines. The open-data files (tens of megabytes) go to the media storage, shared
by the app servers too (S3 in production).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MapDataVersion(models.Model):
    """One built version of the map's data file, precompressed (gzip and brotli)."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    count = models.PositiveIntegerField(_("initiatives"))
    raw_size = models.PositiveIntegerField(_("taille non compressée"))
    gzip = models.BinaryField(_("gzip"))
    brotli = models.BinaryField(_("brotli"))
    # When the build read the data: a slower build of older data never replaces a newer one.
    read_at = models.DateTimeField(_("données lues le"))
    built_at = models.DateTimeField(_("construite le"), auto_now_add=True)
    build_seconds = models.FloatField(_("durée de construction (s)"))
    # When it stopped being current: pruned MAPDATA_GRACE_SECONDS later, never before.
    superseded_at = models.DateTimeField(_("remplacée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("version des données de la carte")
        verbose_name_plural = _("versions des données de la carte")

    def __str__(self) -> str:
        return self.version


class MapDataPointer(models.Model):
    """A single row (pk 1): the version every app server serves."""

    current = models.ForeignKey(
        MapDataVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version")
    )
    read_at = models.DateTimeField(_("données lues le"))
    switched_at = models.DateTimeField(_("changée le"), auto_now=True)

    class Meta:
        verbose_name = _("version servie des données de la carte")
        verbose_name_plural = _("versions servies des données de la carte")

    def __str__(self) -> str:
        return str(self.current_id)


class OpenDataBuild(models.Model):
    """The open-data files (every published initiative) built for one data version, kept
    in the media storage (pepites/initiatives/exports/files.py)."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    sizes = models.JSONField(_("tailles (octets)"), default=dict)
    built_at = models.DateTimeField(_("construits le"), auto_now_add=True)
    build_seconds = models.FloatField(_("durée de construction (s)"))

    class Meta:
        verbose_name = _("fichiers de données ouvertes")
        verbose_name_plural = _("fichiers de données ouvertes")

    def __str__(self) -> str:
        return self.version
