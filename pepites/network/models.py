"""The resource centres of the network and the territories they cover."""

from django.conf import settings
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


class Membership(models.Model):
    """A person working for a centre: they keep its initiatives and moderate its territory."""

    class Role(models.TextChoices):
        MEMBER = "membre", _("Membre")
        MANAGER = "responsable", _("Responsable")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("compte"),
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("centre")
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre d'un centre")
        verbose_name_plural = _("membres des centres")
        ordering = ["centre__name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["user", "centre"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} — {self.centre}"


class Invitation(models.Model):
    """An invitation sent by e-mail to join a centre; the link holds a token whose hash only
    is stored."""

    email = models.EmailField(_("courriel"))
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("centre")
    )
    role = models.CharField(
        _("rôle"), max_length=12, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.centre}"
