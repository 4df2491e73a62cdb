"""The resource centres of the network and the territories they cover."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.territories.models import Departement


class Centre(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("En activité")
        PREFIGURATION = "en_prefiguration", _("En préfiguration")

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    former_name = models.CharField(_("ancien nom"), max_length=200, blank=True)
    territory_label = models.CharField(_("territoire"), max_length=200)
    coverage = models.CharField(
        _("couverture (codes COG)"),
        max_length=500,
        blank=True,
        help_text=_("Codes séparés par des espaces : « region:84 » ou « dept:93 »."),
    )
    departements = models.ManyToManyField(
        Departement,
        related_name="centres",
        blank=True,
        verbose_name=_("départements couverts"),
        help_text=_("Déduits de la couverture ; une région couvre tous ses départements."),
    )
    phones = models.JSONField(_("téléphones"), default=list, blank=True)
    email = models.EmailField(_("courriel de contact"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    description = models.TextField(_("présentation"), blank=True)

    class Meta:
        verbose_name = _("centre de ressources")
        verbose_name_plural = _("centres de ressources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
