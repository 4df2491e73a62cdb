"""Territories of INSEE's Code officiel géographique, keyed by their INSEE code."""

from django.core.validators import RegexValidator
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
    # The commune's reference point, from official data only (a point inside its outline,
    # see CommuneOutline); empty until the outlines are loaded.
    latitude = models.FloatField(_("latitude du point de référence"), null=True, blank=True)
    longitude = models.FloatField(_("longitude du point de référence"), null=True, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommuneOutline(models.Model):
    """A commune's generalised outline (Etalab's "contours administratifs", from IGN's Admin
    Express COG carto), as GeoJSON text in WGS84 with its bounding box: apart from Commune
    so that the lists of communes never read it."""

    commune = models.OneToOneField(
        Commune,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="outline",
        verbose_name=_("commune"),
    )
    outline = models.TextField(_("contour (GeoJSON, WGS 84)"))
    min_longitude = models.FloatField(_("longitude min."))
    min_latitude = models.FloatField(_("latitude min."))
    max_longitude = models.FloatField(_("longitude max."))
    max_latitude = models.FloatField(_("latitude max."))

    class Meta:
        verbose_name = _("contour de commune")
        verbose_name_plural = _("contours des communes")

    def __str__(self) -> str:
        return str(self.commune_id)


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


# QP… (list 2015), QN… (list 2024), QD…: the demonstration outlines (never in a file).
QPV_CODE_PATTERN = r"Q[NPD][0-9A-Z]{6}"
QPV_CODE_RE = rf"^{QPV_CODE_PATTERN}$"
validate_qpv_code = RegexValidator(QPV_CODE_RE, _("Code QPV invalide (ex. QN09301M)."))


class QpvGeneration(models.TextChoices):
    """The successive official lists: codes QP… (2015) then QN… (2024, overseas 2025)."""

    QP2015 = "2015", _("Liste 2015 (codes QP…)")
    QN2024 = "2024", _("Liste 2024 (codes QN…)")
    # Synthetic outlines installed when the official ones cannot be fetched (offline):
    # never stored beside an official list, removed when one is imported.
    DEMO = "demo", _("Contours de démonstration (fictifs, codes QD…)")


class Qpv(models.Model):
    """A quartier prioritaire de la politique de la ville, as published by the ANCT.

    The outline is kept as GeoJSON text (WGS84) with its bounding box in plain columns, so
    that the embedded SQLite instance and PostgreSQL answer the same queries without a
    spatial extension; geometric work happens in memory (see `placement.py`).
    """

    code = models.CharField(
        _("code QPV"), max_length=8, primary_key=True, validators=[validate_qpv_code]
    )
    name = models.CharField(_("nom"), max_length=200)
    generation = models.CharField(
        _("génération de la liste"), max_length=4, choices=QpvGeneration.choices, db_index=True
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="qpvs", verbose_name=_("département")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="qpvs", verbose_name=_("région")
    )
    communes_label = models.CharField(_("communes (libellé publié)"), max_length=500, blank=True)
    epci_siren = models.CharField(_("SIREN de l'EPCI"), max_length=9, blank=True)
    outline = models.TextField(_("contour (GeoJSON, WGS 84)"))
    min_longitude = models.FloatField(_("longitude min."))
    min_latitude = models.FloatField(_("latitude min."))
    max_longitude = models.FloatField(_("longitude max."))
    max_latitude = models.FloatField(_("latitude max."))
    # A point inside the outline, for markers and labels (not the centroid, which may fall
    # outside a crescent-shaped neighbourhood).
    latitude = models.FloatField(_("latitude d'un point intérieur"))
    longitude = models.FloatField(_("longitude d'un point intérieur"))
    area_m2 = models.FloatField(_("superficie (m²)"))
    is_demo = models.BooleanField(
        _("contour de démonstration"),
        default=False,
        help_text=_("Contour fictif, installé faute de liste officielle (hors ligne)."),
    )
    updated_at = models.DateTimeField(_("modifié le"))

    class Meta:
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["min_longitude", "max_longitude", "min_latitude", "max_latitude"],
                name="qpv_bbox",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_demo=True, generation="demo")
                | (models.Q(is_demo=False) & ~models.Q(generation="demo")),
                name="qpv_demo_is_demo_generation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class QpvCommune(models.Model):
    """A commune a QPV spans, by INSEE code: the file's code is kept even when the COG
    loaded is of another year (communes merge), so no foreign key to Commune."""

    qpv = models.ForeignKey(
        Qpv, on_delete=models.CASCADE, related_name="commune_links", verbose_name=_("QPV")
    )
    commune_code = models.CharField(
        _("code INSEE de la commune"),
        max_length=5,
        db_index=True,
        validators=[validate_commune_code],
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("commune d'un QPV")
        verbose_name_plural = _("communes des QPV")
        ordering = ["qpv", "position"]
        constraints = [
            models.UniqueConstraint(fields=["qpv", "commune_code"], name="unique_qpv_commune")
        ]

    def __str__(self) -> str:
        return f"{self.qpv_id} — {self.commune_code}"


class IndicatorScope(models.TextChoices):
    """What an indicator's row describes: a QPV, or a reference beside it."""

    QPV = "qpv", _("quartier prioritaire")
    COMMUNE = "commune", _("commune (référence)")
    FRANCE = "france", _("France (référence)")


class QpvIndicator(models.Model):
    """One figure of the INSEE's data on the QPV (population, poverty rate…) for one vintage:
    a QPV's, or a reference value of a commune or of France published beside them. Keyed by
    code, not foreign key: a file may describe QPV of a list not loaded yet (see
    qpv_indicators.py); a secret or unavailable value has no value and its status."""

    class Status(models.TextChoices):
        PUBLISHED = "", _("publiée")
        SECRET = "s", _("secret statistique")
        UNAVAILABLE = "nd", _("non disponible")

    scope = models.CharField(_("portée"), max_length=7, choices=IndicatorScope.choices)
    code = models.CharField(_("code du territoire"), max_length=8)
    indicator = models.CharField(_("indicateur"), max_length=40)
    vintage = models.CharField(_("millésime"), max_length=20)
    value = models.FloatField(_("valeur"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=2, choices=Status.choices, default="", blank=True
    )
    unit = models.CharField(_("unité"), max_length=20)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("indicateur d'un QPV")
        verbose_name_plural = _("indicateurs des QPV")
        ordering = ["scope", "code", "indicator", "vintage"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "code", "indicator", "vintage"], name="unique_qpv_indicator"
            )
        ]
        indexes = [models.Index(fields=["indicator", "vintage"], name="qpv_indicator_vintage")]

    def __str__(self) -> str:
        return f"{self.code} {self.indicator} {self.vintage}"
