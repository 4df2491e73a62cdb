"""An organisation: the porteur of one or more initiatives, in any centre."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.core.validators import validate_no_bidi_controls
from pepites.organisations.validators import validate_siret
from pepites.territories.models import Commune


class OrganisationKind(models.TextChoices):
    # The same values as the initiatives' porteur kinds (PorteurKind).
    ASSOCIATION = "association", _("Association")
    ENTREPRISE = "entreprise", _("Entreprise")
    COOPERATIVE = "cooperative", _("Coopérative")
    COLLECTIVITE = "collectivite", _("Collectivité")
    BAILLEUR = "bailleur", _("Bailleur")
    ETABLISSEMENT_PUBLIC = "etablissement_public", _("Établissement public")
    AUTRE = "autre", _("Autre")


class AdministrativeState(models.TextChoices):
    ACTIVE = "A", _("En activité")
    CLOSED = "F", _("Fermée")


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200, validators=[validate_no_bidi_controls])
    # The name without case, accents, punctuation nor legal-form words: two spellings of one
    # porteur in one commune are proposed for merging (never merged without a person).
    normalised_name = models.CharField(_("nom normalisé"), max_length=200, db_index=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.AUTRE
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    website = models.URLField(_("site web"), max_length=500, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("commune"),
    )
    # From the directory of companies (Sirene), when the SIRET was looked up.
    legal_name = models.CharField(_("dénomination légale"), max_length=300, blank=True)
    naf_code = models.CharField(_("code NAF"), max_length=8, blank=True)
    creation_date = models.DateField(_("date de création"), null=True, blank=True)
    headcount_band = models.CharField(_("tranche d'effectif"), max_length=4, blank=True)
    is_ess = models.BooleanField(_("économie sociale et solidaire"), null=True, blank=True)
    administrative_state = models.CharField(
        _("état administratif"), max_length=1, choices=AdministrativeState.choices, blank=True
    )
    closed_on = models.DateField(_("fermée le"), null=True, blank=True)
    looked_up_at = models.DateTimeField(_("annuaire consulté le"), null=True, blank=True)
    # Said different from the organisations of the same name in its commune: no longer
    # proposed for merging with them (a new spelling joining them is proposed again).
    kept_apart = models.BooleanField(_("distincte des homonymes"), default=False)
    is_demo = models.BooleanField(_("exemple de démonstration"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["normalised_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~models.Q(siret=""),
                name="organisation_unique_siret",
                violation_error_message=_("Une autre organisation porte déjà ce SIRET."),
            )
        ]
        indexes = [models.Index(fields=["administrative_state"], name="organisation_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.administrative_state == AdministrativeState.CLOSED
