"""Territories of INSEE's Code officiel géographique, keyed by their INSEE code."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.core.validators import (
    validate_commune_code,
    validate_departement_code,
    validate_region_code,
)


class Zone(models.TextChoices):
    METRO = "metro", _("France métropolitaine")
    DROM = "drom", _("Outre-mer (DROM)")
    COM = "com", _("Collectivités d'outre-mer")


class Region(models.Model):
    code = models.CharField(
        _("code INSEE"), max_length=3, primary_key=True, validators=[validate_region_code]
    )
    name = models.CharField(_("nom"), max_length=100)
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices, default=Zone.METRO)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(
        _("code INSEE"), max_length=3, primary_key=True, validators=[validate_departement_code]
    )
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name=_("région")
    )
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices, default=Zone.METRO)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        ARRONDISSEMENT = "arrondissement", _("Arrondissement municipal")

    code = models.CharField(
        _("code INSEE"), max_length=5, primary_key=True, validators=[validate_commune_code]
    )
    name = models.CharField(_("nom"), max_length=150, db_index=True)
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices, default=Kind.COMMUNE)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="communes", verbose_name=_("région")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="arrondissements",
        verbose_name=_("commune de rattachement"),
        help_text=_("Pour les arrondissements municipaux de Paris, Lyon et Marseille."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    postal_codes = models.JSONField(_("codes postaux"), default=list, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PostalCode(models.Model):
    """One row per (postal code, commune): a postal code often serves several communes."""

    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="postal_code_set", verbose_name=_("commune")
    )

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="unique_postal_code_commune")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.commune.name}"
