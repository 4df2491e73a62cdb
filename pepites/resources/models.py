"""The resource library: what the centres produce (studies, guides, experience sheets,
reports, replays…), with its file, the text of that file page by page, and its links to
themes, territories and initiatives."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.core import links
from pepites.initiatives.history_records import ExplicitHistoricalRecords


class ResourceKind(models.TextChoices):
    STUDY = "etude", _("Étude")
    GUIDE = "guide", _("Guide")
    EXPERIENCE = "fiche-experience", _("Fiche expérience")
    REPORT = "compte-rendu", _("Compte rendu")
    SYNTHESIS = "synthese", _("Synthèse")
    ARTICLE = "article-eco", _("Article de L'Éco des quartiers")
    VIDEO = "video", _("Vidéo ou replay")
    TOOL = "outil", _("Outil")


class Licence(models.TextChoices):
    ETALAB = "lo-2.0", _("Licence Ouverte 2.0")
    CC_BY = "cc-by-4.0", _("CC BY 4.0")
    CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0")
    CC_BY_NC_ND = "cc-by-nc-nd-4.0", _("CC BY-NC-ND 4.0")
    RESERVED = "reserved", _("Tous droits réservés")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")


class TextStatus(models.TextChoices):
    NO_FILE = "no-file", _("Pas de fichier")
    PENDING = "pending", _("Extraction en attente")
    EXTRACTED = "extracted", _("Texte extrait")
    NOT_EXTRACTED = "not-extracted", _("Texte non extrait")
    FAILED = "failed", _("Échec de l'extraction")


class FileType(models.TextChoices):
    PDF = "pdf", "PDF"
    ODT = "odt", "ODT"
    DOCX = "docx", "DOCX"


class Resource(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=250)
    kind = models.CharField(_("type"), max_length=20, choices=ResourceKind.choices)
    summary = models.TextField(_("résumé"), blank=True)
    authors = models.CharField(_("auteurs et autrices"), max_length=300, blank=True)
    centres = models.ManyToManyField(
        "network.Centre", related_name="resources", blank=True, verbose_name=_("centres")
    )
    date = models.DateField(_("date"))
    themes = models.ManyToManyField(
        "initiatives.Theme", related_name="resources", blank=True, verbose_name=_("thématiques")
    )
    regions = models.ManyToManyField("territories.Region", blank=True, verbose_name=_("régions"))
    departements = models.ManyToManyField(
        "territories.Departement", blank=True, verbose_name=_("départements")
    )
    communes = models.ManyToManyField("territories.Commune", blank=True, verbose_name=_("communes"))
    qpvs = models.ManyToManyField("territories.Qpv", blank=True, verbose_name=_("quartiers"))
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        related_name="resources",
        blank=True,
        verbose_name=_("initiatives liées"),
    )
    file = models.FileField(_("fichier"), upload_to="resources/files/", blank=True)
    file_type = models.CharField(
        _("format du fichier"), max_length=4, choices=FileType.choices, blank=True
    )
    file_size = models.PositiveIntegerField(_("taille du fichier (octets)"), default=0)
    external_url = models.URLField(_("lien externe"), max_length=500, blank=True)
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.ETALAB
    )
    status = models.CharField(
        _("état"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    is_demo = models.BooleanField(_("exemple de démonstration"), default=False)
    text_status = models.CharField(
        _("texte du fichier"), max_length=14, choices=TextStatus.choices, default=TextStatus.NO_FILE
    )
    page_count = models.PositiveIntegerField(_("nombre de pages"), default=0)
    preview = models.ImageField(_("aperçu"), upload_to="resources/previews/", blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Verrou optimiste : augmente à chaque modification.")
    )
    history = ExplicitHistoricalRecords(
        excluded_fields=["text_status", "page_count", "preview"],
        verbose_name=_("version d'une ressource"),
        verbose_name_plural=_("versions des ressources"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["status", "-date"], name="resource_status_date")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return links.path("resource", slug=self.slug)

    @property
    def is_published(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED


class ResourcePage(models.Model):
    """The text of one page of a resource's file (an ODT, without pages, is one page)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(_("page"))
    text = models.TextField(_("texte"), blank=True)

    class Meta:
        verbose_name = _("page d'une ressource")
        verbose_name_plural = _("pages des ressources")
        ordering = ["resource", "number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="resource_page_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} p. {self.number}"
