"""The network's publications: series (L'Éco des quartiers…), their issues, articles,
featured initiatives (snapshotted at publication) and e-mail subscribers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.models import Initiative, Theme
from pepites.network.models import Centre

# Path segments of /publications/ that a series slug must not take.
RESERVED_SERIES_SLUGS = frozenset({"edition", "portfolio", "abonnement", "portfolio-pdf"})


class Series(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=200, unique=True)
    tagline = models.CharField(
        _("accroche"),
        max_length=300,
        blank=True,
        help_text=_("Ex. « pour les décideurs et les professionnels »."),
    )
    description = models.TextField(_("présentation"), blank=True)
    publisher = models.CharField(
        _("éditeur"),
        max_length=300,
        default="Réseau national des centres de ressources politique de la ville",
    )
    publisher_logo = models.ImageField(
        _("logo de l'éditeur"),
        upload_to="publications/logos/",
        blank=True,
        help_text=_("PNG ou JPEG, imprimé en couverture et en dernière page du PDF."),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_publication_series",
        verbose_name=_("rédacteurs invités (tous les numéros)"),
    )
    is_demo = models.BooleanField(_("exemple de démonstration"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.slug in RESERVED_SERIES_SLUGS:
            raise ValidationError(
                {"slug": _("« %(slug)s » est réservé par le site.") % {"slug": self.slug}}
            )


class IssueStatus(models.TextChoices):
    DRAFT = "brouillon", _("En préparation")
    PUBLISHED = "publie", _("Publié")


class Issue(models.Model):
    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="issues", verbose_name=_("collection")
    )
    number = models.PositiveIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=200)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="publication_issues", verbose_name=_("thématiques")
    )
    planned_date = models.DateField(_("parution prévue le"), null=True, blank=True)
    published_at = models.DateTimeField(_("paru le"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    editorial = models.TextField(
        _("éditorial"), blank=True, help_text=_("Texte au format Markdown.")
    )
    editorial_author = models.CharField(_("signature de l'éditorial"), max_length=200, blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_publication_issues",
        verbose_name=_("rédacteurs invités"),
    )
    notified_at = models.DateTimeField(_("abonnés prévenus le"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("exemple de démonstration"),
        default=False,
        help_text=_("Contenu fictif, affiché comme tel sur toutes les pages et dans le PDF."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Incrémentée à chaque enregistrement (verrou optimiste)."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("numéro")
        verbose_name_plural = _("numéros")
        ordering = ["series", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="unique_issue_number")
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="issue_status_date")]

    def __str__(self) -> str:
        return f"{self.series.title} n° {self.number} — {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == IssueStatus.PUBLISHED


class Article(models.Model):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="articles", verbose_name=_("numéro")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=200)
    author = models.CharField(_("auteur ou autrice"), max_length=200, blank=True)
    centres = models.ManyToManyField(
        Centre,
        blank=True,
        related_name="publication_articles",
        verbose_name=_("centres contributeurs"),
    )
    body = models.TextField(_("texte"), help_text=_("Texte au format Markdown."))
    image = models.ImageField(_("image"), upload_to="publications/articles/", blank=True)
    image_alt = models.CharField(
        _("texte alternatif de l'image"),
        max_length=300,
        blank=True,
        help_text=_("Ce que montre l'image, pour qui ne la voit pas."),
    )
    image_credit = models.CharField(_("crédit de l'image"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Décrivez l'image : le texte alternatif est obligatoire.")}
            )


class FeaturedInitiative(models.Model):
    """An initiative of the map featured in an issue.

    `snapshot` holds the fields shown, as they were when the issue was published: a later
    edit of the initiative does not change a published issue.
    """

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="featured", verbose_name=_("numéro")
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publication_features",
        verbose_name=_("initiative"),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    snapshot = models.JSONField(_("fiche figée à la parution"), default=dict, blank=True)
    snapshot_at = models.DateTimeField(_("figée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("initiative à la une")
        verbose_name_plural = _("initiatives à la une")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "initiative"], name="unique_featured_initiative"
            )
        ]

    def __str__(self) -> str:
        return self.snapshot.get("title") or str(self.initiative or "—")


class Subscriber(models.Model):
    """An e-mail address subscribed to the new issues of a series (double opt-in)."""

    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="subscribers", verbose_name=_("collection")
    )
    email = models.EmailField(_("adresse électronique"))
    consent_text = models.TextField(_("consentement donné"))
    consented_at = models.DateTimeField(_("consentement donné le"))
    confirmation_token = models.CharField(
        _("jeton de confirmation"), max_length=64, unique=True, editable=False
    )
    confirmation_sent_at = models.DateTimeField(
        _("demande de confirmation envoyée le"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")
        ordering = ["series", "email"]
        constraints = [
            models.UniqueConstraint(fields=["series", "email"], name="unique_series_subscriber")
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
