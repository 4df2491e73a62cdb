"""Programmes (national or local) and labels (granted by a centre or the national team)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeScope(models.TextChoices):
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")


class Programme(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=150, unique=True)
    scope = models.CharField(
        _("portée"), max_length=10, choices=ProgrammeScope.choices, default=ProgrammeScope.NATIONAL
    )
    centre = models.ForeignKey(
        "network.Centre",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("centre (programme local)"),
    )
    description = models.CharField(_("description courte"), max_length=300, blank=True)
    url = models.URLField(_("site officiel"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_demo = models.BooleanField(_("exemple de démonstration"), default=False)
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        blank=True,
        related_name="programmes",
        verbose_name=_("initiatives"),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class LabelKind(models.TextChoices):
    SPOTTED = "reperee", _("Repérée par")
    VISIT = "visite", _("Visite possible")
    OTHER = "autre", _("Autre")


class Label(models.Model):
    """A label one grants: by a centre (its members grant it) or by the national team."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("intitulé"), max_length=150, unique=True)
    kind = models.CharField(
        _("type"), max_length=10, choices=LabelKind.choices, default=LabelKind.OTHER
    )
    centre = models.ForeignKey(
        "network.Centre",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="labels",
        verbose_name=_("accordé par le centre"),
        help_text=_("Vide : accordé par l'équipe nationale, ou par tout centre (« visite »)."),
    )
    description = models.CharField(_("description courte"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_demo = models.BooleanField(_("exemple de démonstration"), default=False)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class InitiativeLabel(models.Model):
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        related_name="label_grants",
        verbose_name=_("initiative"),
    )
    label = models.ForeignKey(
        Label, on_delete=models.CASCADE, related_name="grants", verbose_name=_("label")
    )
    granted_at = models.DateTimeField(_("accordé le"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accordé par"),
    )

    class Meta:
        verbose_name = _("label accordé")
        verbose_name_plural = _("labels accordés")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "label"], name="unique_initiative_label")
        ]

    def __str__(self) -> str:
        return f"{self.label} — {self.initiative_id}"
