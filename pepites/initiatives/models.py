"""Initiatives (the "pépites") and the themes that classify them."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.core.validators import (
    validate_latitude,
    validate_longitude,
    validate_no_bidi_controls,
)
from pepites.initiatives.history_records import ExplicitHistoricalRecords
from pepites.network.models import Centre
from pepites.organisations.models import Organisation
from pepites.territories.models import QPV_CODE_RE, Commune

validate_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("La couleur doit être au format hexadécimal, ex. #1f6f8b.")
)


# Longest free texts, in characters: a Markdown section, and the partners or funders list
# (a 1 MB text is refused with the field's limit instead of filling the database and pages).
RICH_TEXT_MAX_LENGTH = 5_000
LIST_TEXT_MAX_LENGTH = 2_000


class Theme(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    label = models.CharField(_("intitulé"), max_length=120, unique=True)
    description = models.TextField(_("description courte"), blank=True)
    colour = models.CharField(_("couleur"), max_length=7, validators=[validate_colour])
    icon = models.CharField(
        _("icône"), max_length=40, help_text=_("Nom d'une icône du jeu d'icônes de Pépites.")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    in_publication = models.BooleanField(_("thème de L'Éco des quartiers"), default=False)

    class Meta:
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class PorteurKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    ENTREPRISE = "entreprise", _("Entreprise")
    COOPERATIVE = "cooperative", _("Coopérative")
    COLLECTIVITE = "collectivite", _("Collectivité")
    BAILLEUR = "bailleur", _("Bailleur")
    ETABLISSEMENT_PUBLIC = "etablissement_public", _("Établissement public")
    AUTRE = "autre", _("Autre")


class QpvPlacement(models.TextChoices):
    """Where an initiative lies with respect to the QPV outlines, computed from its point."""

    NOT_COMPUTED = "", _("Non calculée")
    IN = "dans", _("Dans un QPV")
    NEAR = "proximite", _("À proximité d'un QPV")
    OUTSIDE = "hors", _("Hors QPV")


class LocationStatus(models.TextChoices):
    """How the initiative's point was obtained, so that doubtful ones get a person's look."""

    UNKNOWN = "", _("Non renseignée")
    FOUND = "found", _("Adresse trouvée")
    UNCERTAIN = "uncertain", _("Adresse à confirmer")
    NOT_FOUND = "not_found", _("Adresse introuvable")
    UNAVAILABLE = "unavailable", _("Géocodeur injoignable")
    MANUAL = "manual", _("Placée à la main")


class InitiativeStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    PROPOSED = "proposee", _("Proposée")
    PUBLISHED = "publiee", _("Publiée")
    ARCHIVED = "archivee", _("Archivée")


class Initiative(models.Model):
    """A short case study of something done in or for the QPV, not a pin with a name."""

    uid = models.UUIDField(_("identifiant stable"), default=uuid.uuid4, unique=True, editable=False)
    # Set by the file import (pepites/initiatives/imports/): the row's identifier in the
    # centre's file, or a key made from its title and commune, so that importing the same
    # file again updates these initiatives instead of duplicating them.
    source_ref = models.CharField(
        _("référence d'origine"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Identifiant de la fiche dans le fichier importé dont elle provient."),
    )
    slug = models.SlugField(_("adresse (slug)"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200, validators=[validate_no_bidi_controls])
    summary = models.TextField(_("résumé"), max_length=600, validators=[validate_no_bidi_controls])
    # The structured description: the four questions a reader asks of a case study.
    context = models.TextField(_("contexte et enjeu"), blank=True, max_length=RICH_TEXT_MAX_LENGTH)
    actions = models.TextField(_("ce qui a été fait"), blank=True, max_length=RICH_TEXT_MAX_LENGTH)
    results = models.TextField(_("résultats"), blank=True, max_length=RICH_TEXT_MAX_LENGTH)
    replication = models.TextField(
        _("pour reproduire"), blank=True, max_length=RICH_TEXT_MAX_LENGTH
    )

    porteur_name = models.CharField(
        _("porteur"), max_length=200, validators=[validate_no_bidi_controls]
    )
    # The porteur as an organisation (its page lists its initiatives across centres);
    # `porteur_name` keeps the name as the centre typed it.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("organisation porteuse"),
    )
    porteur_kind = models.CharField(
        _("type de porteur"),
        max_length=30,
        choices=PorteurKind.choices,
        default=PorteurKind.ASSOCIATION,
    )
    partners = models.TextField(_("partenaires"), blank=True, max_length=LIST_TEXT_MAX_LENGTH)
    funders = models.TextField(_("financeurs"), blank=True, max_length=LIST_TEXT_MAX_LENGTH)
    target_public = models.CharField(_("public visé"), max_length=300, blank=True)

    themes = models.ManyToManyField(
        Theme, related_name="initiatives", verbose_name=_("thématiques")
    )
    principal_theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        related_name="principal_initiatives",
        verbose_name=_("thématique principale"),
    )

    start_year = models.PositiveSmallIntegerField(
        _("année de démarrage"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    is_running = models.BooleanField(_("toujours en cours"), default=True)

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("commune")
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[validate_longitude]
    )

    location_status = models.CharField(
        _("état de la localisation"),
        max_length=12,
        choices=LocationStatus.choices,
        default=LocationStatus.UNKNOWN,
        blank=True,
    )
    # Placement against the QPV outlines: derived data, recomputed by
    # pepites.initiatives.placement.services.place_initiatives, never typed by a person.
    qpv_relation = models.CharField(
        _("situation par rapport aux QPV"),
        max_length=10,
        choices=QpvPlacement.choices,
        default=QpvPlacement.NOT_COMPUTED,
        blank=True,
    )
    nearest_qpv_code = models.CharField(_("QPV le plus proche"), max_length=8, blank=True)
    nearest_qpv_distance_m = models.PositiveIntegerField(
        _("distance au QPV le plus proche (m)"), null=True, blank=True
    )
    qpv_placed_at = models.DateTimeField(_("situation calculée le"), null=True, blank=True)

    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="initiatives",
        null=True,
        blank=True,
        verbose_name=_("centre référent"),
        help_text=_("Vide : l'initiative relève de l'équipe nationale."),
    )

    contact_name = models.CharField(_("nom du contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("courriel du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    contact_consent = models.BooleanField(
        _("consentement à la publication du contact"),
        default=False,
        help_text=_("Le contact n'est publié qu'avec l'accord explicite de la personne."),
    )

    status = models.CharField(
        _("état"), max_length=12, choices=InitiativeStatus.choices, default=InitiativeStatus.DRAFT
    )
    is_demo = models.BooleanField(
        _("exemple de démonstration"),
        default=False,
        help_text=_("Contenu fictif, affiché comme tel sur toutes les pages."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Incrémentée à chaque enregistrement (verrou optimiste)."),
    )
    # Every version, with who made it and when (pepites/initiatives/history.py); the derived
    # QPV placement is left out: it is recomputed, never typed.
    history = ExplicitHistoricalRecords(
        excluded_fields=[
            "updated_at",
            "qpv_relation",
            "nearest_qpv_code",
            "nearest_qpv_distance_m",
            "qpv_placed_at",
        ],
        m2m_fields=["themes"],
        user_related_name="+",
        verbose_name=_("version d'une initiative"),
        verbose_name_plural=_("versions des initiatives"),
    )

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-published_at", "title"]
        indexes = [
            models.Index(fields=["status", "principal_theme"], name="initiative_status_theme"),
            models.Index(fields=["status", "centre"], name="initiative_status_centre"),
            models.Index(fields=["status", "qpv_relation"], name="initiative_status_qpv"),
            # The public list's order (newest publications first), and the cheap maxima
            # that tell the map's data file is out of date (pepites/initiatives/mapdata.py).
            models.Index(fields=["status", "published_at", "id"], name="initiative_list_order"),
            # The map's data file reads every published row from this index alone, in the
            # list's order, without the table's wide rows (0.45 s → 0.1 s at 100,000).
            models.Index(
                fields=[
                    "status",
                    "published_at",
                    "id",
                    "latitude",
                    "longitude",
                    "principal_theme",
                    "commune",
                    "centre",
                    "qpv_relation",
                ],
                name="initiative_map_read",
            ),
            # Counts per commune, département and région (the gaps report) from the index.
            models.Index(fields=["status", "commune"], name="initiative_status_commune"),
            # A centre's page, newest first: walked in this order, not sorted.
            models.Index(
                fields=["centre", "status", "published_at", "id"], name="initiative_centre_list"
            ),
            models.Index(fields=["updated_at"], name="initiative_updated_at"),
            models.Index(fields=["qpv_placed_at"], name="initiative_qpv_placed_at"),
            # Added and checked per centre over time (the impact dashboard), index only.
            models.Index(fields=["centre", "status", "created_at"], name="initiative_added"),
            models.Index(fields=["centre", "status", "last_checked_at"], name="initiative_checked"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="initiative_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="initiative_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InitiativeLink(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="links", verbose_name=_("initiative")
    )
    url = models.URLField(_("adresse"), max_length=500)
    label = models.CharField(_("intitulé"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("lien")
        verbose_name_plural = _("liens")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label or self.url


class LinkCheck(models.Model):
    """The last check of a public link's address (pepites/initiatives/links.py)."""

    url = models.URLField(_("adresse"), max_length=500, unique=True)
    status_code = models.PositiveSmallIntegerField(_("code HTTP"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=100, blank=True)
    checked_at = models.DateTimeField(_("vérifiée le"))
    broken_since = models.DateTimeField(_("en panne depuis"), null=True, blank=True)

    class Meta:
        verbose_name = _("vérification de lien")
        verbose_name_plural = _("vérifications de liens")

    def __str__(self) -> str:
        return self.url

    @property
    def problem(self) -> str:
        return self.error or f"HTTP {self.status_code}"


class QpvRelation(models.TextChoices):
    IN = "dans", _("Dans le QPV")
    NEAR = "proximite", _("À proximité du QPV")
    FOR = "pour", _("Pour les habitants du QPV")


# Relations computed from the outlines (replaced at each placement) and the one a
# contributor states (kept).
COMPUTED_QPV_RELATIONS = (QpvRelation.IN, QpvRelation.NEAR)


class InitiativeQpv(models.Model):
    """The QPV an initiative concerns, stored as codes so queries are the same everywhere.

    "dans" and "proximite" rows are computed from the outlines (distance in metres, 0
    inside); "pour" rows are stated by the contributor for an initiative located elsewhere
    that serves the QPV's residents.
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="qpv_links", verbose_name=_("initiative")
    )
    qpv_code = models.CharField(
        _("code QPV"),
        max_length=8,
        db_index=True,
        validators=[
            RegexValidator(QPV_CODE_RE, _("Code QPV invalide (ex. QN09301M).")),
        ],
    )
    relation = models.CharField(_("relation"), max_length=10, choices=QpvRelation.choices)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)

    class Meta:
        verbose_name = _("QPV concerné")
        verbose_name_plural = _("QPV concernés")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "qpv_code", "relation"], name="unique_initiative_qpv"
            )
        ]
        indexes = [models.Index(fields=["qpv_code", "relation"], name="initiative_qpv_relation")]

    def __str__(self) -> str:
        return f"{self.qpv_code} ({self.get_relation_display()})"


# --- Contributions: proposals from the public, images -----------------------------------


class ProposalKind(models.TextChoices):
    NEW = "nouvelle", _("Nouvelle initiative")
    CORRECTION = "correction", _("Correction")


class ProposalStatus(models.TextChoices):
    PENDING = "en_attente", _("À examiner")
    ACCEPTED = "acceptee", _("Acceptée")
    MERGED = "fusionnee", _("Fusionnée")
    REJECTED = "refusee", _("Refusée")


class Proposal(models.Model):
    """Something a visitor sent: a new initiative or a correction of a published one.

    Nothing of it is public until a moderator accepts it; the proposer's address is seen
    only by the moderators, and used only to answer.
    """

    kind = models.CharField(_("type"), max_length=12, choices=ProposalKind.choices)
    status = models.CharField(
        _("état"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("initiative"),
        help_text=_("L'initiative corrigée, ou celle créée ou complétée par la proposition."),
    )
    base_version = models.PositiveIntegerField(_("version lue par l'auteur"), null=True, blank=True)
    data = models.JSONField(_("champs proposés"), default=dict)
    message = models.TextField(_("message de l'auteur"), blank=True, max_length=3000)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("centre destinataire"),
        help_text=_("Vide : l'équipe nationale examine la proposition."),
    )
    proposer_name = models.CharField(_("nom de l'auteur"), max_length=150, blank=True)
    proposer_email = models.EmailField(_("courriel de l'auteur"))
    consent_at = models.DateTimeField(_("consentement donné le"))
    ip_hash = models.CharField(_("empreinte de l'adresse IP"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decision_reason = models.TextField(_("motif de la décision"), blank=True)

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "centre"], name="proposal_status_centre")]

    def __str__(self) -> str:
        title = self.data.get("title") or (self.initiative.title if self.initiative else "")
        return f"{self.get_kind_display()} : {title}"

    @property
    def title(self) -> str:
        if self.kind == ProposalKind.CORRECTION and self.initiative is not None:
            return self.initiative.title
        return self.data.get("title", "")


def image_upload_path(instance, filename: str) -> str:
    return f"initiatives/{instance.initiative.uid}/{filename}"


class InitiativeImage(models.Model):
    """A photo of an initiative, re-encoded on upload (no metadata) in three sizes."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="images", verbose_name=_("initiative")
    )
    original = models.FileField(_("image"), upload_to=image_upload_path, max_length=300)
    large = models.FileField(_("grande taille"), upload_to=image_upload_path, max_length=300)
    small = models.FileField(_("vignette"), upload_to=image_upload_path, max_length=300)
    width = models.PositiveIntegerField(_("largeur"))
    height = models.PositiveIntegerField(_("hauteur"))
    alt_text = models.CharField(
        _("texte alternatif"),
        max_length=250,
        help_text=_("Ce que montre l'image, pour qui ne la voit pas."),
    )
    credits = models.CharField(_("crédits"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_hidden = models.BooleanField(_("masquée"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposée par"),
    )
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text


class InitiativeInspiration(models.Model):
    """ "Inspirée de": `reproduction` reproduces `source` elsewhere (it may draw on several)."""

    source = models.ForeignKey(
        Initiative, models.CASCADE, related_name="reproduction_links", verbose_name=_("source")
    )
    reproduction = models.ForeignKey(
        Initiative, models.CASCADE, related_name="inspiration_links", verbose_name=_("reproduction")
    )
    created_at = models.DateTimeField(_("reliée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("lien « inspirée de »")
        verbose_name_plural = _("liens « inspirée de »")
        constraints = [
            models.UniqueConstraint(fields=["source", "reproduction"], name="inspiration_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("reproduction")), name="inspiration_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reproduction_id} ← {self.source_id}"


from pepites.initiatives.checkins.models import CheckinLink  # noqa: E402, F401
from pepites.initiatives.figures.models import InitiativeFigures  # noqa: E402, F401
from pepites.initiatives.harvest.models import HarvestSource  # noqa: E402, F401  (its own module)
from pepites.initiatives.imports.models import ImportJob  # noqa: E402, F401  (its own module)
from pepites.initiatives.labels.models import InitiativeLabel, Label, Programme  # noqa: E402, F401
from pepites.initiatives.mapversions import (  # noqa: E402, F401
    MapDataPointer,
    MapDataVersion,
    OpenDataBuild,
)
