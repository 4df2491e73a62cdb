"""One year of an initiative's results, in figures; the prose `results` stays beside it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class FiguresSource(models.TextChoices):
    CENTRE = "centre", _("Saisis par le centre")
    CHECKIN = "bilan", _("Bilan annuel du porteur")
    IMPORT = "import", _("Import de fichier")


class InitiativeFigures(models.Model):
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("initiative"),
    )
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    people_reached = models.PositiveIntegerField(_("personnes touchées"), null=True, blank=True)
    qpv_residents = models.PositiveIntegerField(_("dont habitants des QPV"), null=True, blank=True)
    jobs = models.PositiveIntegerField(_("emplois créés ou maintenus"), null=True, blank=True)
    activities_created = models.PositiveIntegerField(
        _("activités ou entreprises créées"), null=True, blank=True
    )
    budget = models.PositiveBigIntegerField(_("budget (euros)"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True, max_length=1000)
    source = models.CharField(
        _("origine"), max_length=10, choices=FiguresSource.choices, default=FiguresSource.CENTRE
    )
    updated_at = models.DateTimeField(_("modifiés le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modifiés par"),
    )

    class Meta:
        verbose_name = _("résultats chiffrés d'une année")
        verbose_name_plural = _("résultats chiffrés")
        ordering = ["initiative", "year"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "year"], name="unique_figures_year"),
            models.CheckConstraint(
                condition=models.Q(qpv_residents__isnull=True)
                | models.Q(people_reached__isnull=True)
                | models.Q(qpv_residents__lte=models.F("people_reached")),
                name="figures_qpv_residents_within_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} — {self.year}"
