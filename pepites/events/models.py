"""The network's agenda: events (meetings, qualification cycles, webinars, learning visits),
their registrations (double opt-in, waiting list), attachments (replay, report, resources)
and the messages the organisers send to the registered people."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.events.timezones import DEFAULT_TIME_ZONE, TIME_ZONES
from pepites.initiatives.history_records import ExplicitHistoricalRecords
from pepites.initiatives.models import Initiative, Theme
from pepites.network.models import Centre
from pepites.territories.models import Commune, Departement, Region


class EventKind(models.TextChoices):
    MEETING = "rencontre", _("Rencontre")
    TRAINING = "formation", _("Cycle de qualification / formation")
    WEBINAR = "webinaire", _("Webinaire")
    VISIT = "visite", _("Visite apprenante d'une pépite")
    OTHER = "autre", _("Autre")


class EventStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    PUBLISHED = "publie", _("Publié")
    CANCELLED = "annule", _("Annulé")


class RegistrationMode(models.TextChoices):
    BUILT_IN = "pepites", _("Inscription sur Pépites")
    EXTERNAL = "externe", _("Inscription sur un autre site")
    NONE = "libre", _("Entrée libre, sans inscription")


class Event(models.Model):
    uid = models.UUIDField(_("identifiant iCalendar"), default=uuid.uuid4, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=EventKind.choices)
    summary = models.CharField(_("en quelques mots"), max_length=600)
    description = models.TextField(_("programme"), blank=True, help_text=_("Texte Markdown."))
    # Stored in UTC; shown in `time_zone`, the zone of the place.
    starts_at = models.DateTimeField(_("début"), db_index=True)
    ends_at = models.DateTimeField(_("fin"))
    time_zone = models.CharField(
        _("fuseau horaire"),
        max_length=40,
        choices=list(TIME_ZONES.items()),
        default=DEFAULT_TIME_ZONE,
    )
    time_zone_chosen = models.BooleanField(
        _("fuseau choisi par l'organisateur"),
        default=False,
        help_text=_("Sinon, déduit du département du lieu."),
    )
    # The place: an address (geocoded) or online.
    is_online = models.BooleanField(_("en ligne"), default=False)
    online_url = models.URLField(
        _("lien de connexion"),
        max_length=500,
        blank=True,
        help_text=_("Communiqué aux seules personnes dont l'inscription est confirmée."),
    )
    venue = models.CharField(_("lieu"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_status = models.CharField(_("géocodage"), max_length=12, blank=True)
    centres = models.ManyToManyField(
        Centre, blank=True, related_name="events", verbose_name=_("centres organisateurs")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="events", verbose_name=_("thématiques")
    )
    initiatives = models.ManyToManyField(
        Initiative, blank=True, related_name="events", verbose_name=_("initiatives liées")
    )
    audience = models.CharField(_("public"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    registration_mode = models.CharField(
        _("inscription"),
        max_length=8,
        choices=RegistrationMode.choices,
        default=RegistrationMode.BUILT_IN,
    )
    registration_url = models.URLField(_("lien d'inscription externe"), max_length=500, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    is_demo = models.BooleanField(
        _("exemple de démonstration"),
        default=False,
        help_text=_("Contenu fictif, affiché comme tel sur toutes les pages."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Incrémentée à chaque enregistrement (verrou optimiste)."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    history = ExplicitHistoricalRecords(
        excluded_fields=["updated_at"],
        m2m_fields=["centres", "themes", "initiatives"],
        user_related_name="+",
        verbose_name=_("version d'un événement"),
        verbose_name_plural=_("versions des événements"),
    )

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def has_built_in_registration(self) -> bool:
        return self.registration_mode == RegistrationMode.BUILT_IN


class AttachmentKind(models.TextChoices):
    REPLAY = "replay", _("Replay")
    REPORT = "compte_rendu", _("Compte rendu")
    RESOURCE = "ressource", _("Ressource liée")


class EventAttachment(models.Model):
    """A replay, a report or a resource of the library linked to an event: an address, or
    the id of a resource (`resource_id`, resolved by the web layer when the resource library
    is installed, so that the two apps need not import each other)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("nature"), max_length=12, choices=AttachmentKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    url = models.URLField(_("adresse"), max_length=500, blank=True)
    resource_id = models.PositiveIntegerField(
        _("ressource de la bibliothèque"), null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe d'un événement")
        verbose_name_plural = _("pièces jointes des événements")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | models.Q(resource_id__isnull=False),
                name="attachment_url_or_resource",
            )
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    PENDING = "a_confirmer", _("À confirmer par courriel")
    CONFIRMED = "confirmee", _("Inscription confirmée")
    WAITLISTED = "attente", _("Sur liste d'attente")
    CANCELLED = "annulee", _("Annulée")


class Registration(models.Model):
    """A person registered to an event: confirmed by e-mail (double opt-in), then given a
    seat or put on the waiting list; the link in every e-mail (its `token`) lets them see
    their registration, the online link once confirmed, and cancel."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse électronique"))
    organisation = models.CharField(_("structure"), max_length=200, blank=True)
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    token = models.CharField(_("jeton"), max_length=64, unique=True, editable=False)
    consent_text = models.TextField(_("consentement donné"))
    consented_at = models.DateTimeField(_("consentement donné le"))
    ip_hash = models.CharField(_("empreinte de l'adresse IP"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("courriel de confirmation envoyé le"), null=True)
    confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    seated_at = models.DateTimeField(_("place attribuée le"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("mise en attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="unique_event_registration")
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"

    @property
    def has_seat(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED


class EventMessage(models.Model):
    """A message an organiser sent to the people registered (one e-mail each, queued)."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmees", _("Les personnes inscrites")
        ALL = "toutes", _("Les personnes inscrites et celles sur liste d'attente")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("message"))
    audience = models.CharField(_("destinataires"), max_length=12, choices=Audience.choices)
    recipients = models.PositiveIntegerField(_("nombre de destinataires"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message aux inscrits")
        verbose_name_plural = _("messages aux inscrits")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
