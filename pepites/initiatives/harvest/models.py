"""A harvested source and what its last fetch would change (kept with the initiatives'
models: see pepites/initiatives/models.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.network.models import Centre


class SourceKind(models.TextChoices):
    UMAP = "umap", _("Calque uMap (adresse du calque en GeoJSON)")
    GOGOCARTO = "gogocarto", _("Carte GoGoCarto (adresse de l'API elements.json)")
    TABLE = "table", _("Tableur en ligne (CSV ou XLSX)")


class HarvestState(models.TextChoices):
    NEW = "new", _("jamais moissonnée")
    UP_TO_DATE = "up_to_date", _("à jour")
    PENDING = "pending", _("différences à examiner")
    FAILING = "failing", _("en échec")
    DISABLED = "disabled", _("désactivée après des échecs répétés")


class HarvestSource(models.Model):
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="harvest_sources", verbose_name=_("centre")
    )
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=12, choices=SourceKind.choices)
    url = models.URLField(_("adresse"), max_length=500)
    # Explicit column mapping, as the importer reads it ("En-tête=champ" → {header: field}).
    mapping = models.JSONField(_("correspondance des colonnes"), default=dict, blank=True)
    default_theme = models.CharField(_("thématique par défaut"), max_length=100, blank=True)
    status = models.CharField(_("état des initiatives créées"), max_length=20, default="brouillon")
    every_hours = models.PositiveIntegerField(_("toutes les (heures)"), default=24)
    auto_accept = models.BooleanField(
        _("toujours accepter les différences"),
        default=False,
        help_text=_("Sinon, rien n'est publié sans une décision du centre."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    is_demo = models.BooleanField(_("exemple de démonstration"), default=False)
    state = models.CharField(
        _("état"), max_length=12, choices=HarvestState.choices, default=HarvestState.NEW
    )
    etag = models.CharField(_("ETag"), max_length=200, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    content_sha256 = models.CharField(_("empreinte du dernier contenu"), max_length=64, blank=True)
    # The content whose differences wait for a decision, and their summary.
    pending_content = models.BinaryField(_("contenu en attente"), null=True, blank=True)
    pending_diff = models.JSONField(_("différences en attente"), default=dict, blank=True)
    # The initiatives (slugs) the source brought at its last accepted harvest.
    known_slugs = models.JSONField(_("initiatives connues"), default=list, blank=True)
    failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=300, blank=True)
    last_fetched_at = models.DateTimeField(_("dernière consultation"), null=True, blank=True)
    last_changed_at = models.DateTimeField(_("dernier changement"), null=True, blank=True)
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("source moissonnée")
        verbose_name_plural = _("sources moissonnées")
        ordering = ["centre", "name"]

    def __str__(self) -> str:
        return self.name
