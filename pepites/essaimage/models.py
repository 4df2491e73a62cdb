"""Requests "M'en inspirer": someone who wants to reproduce a published initiative, routed to
the centre that refers it and to the centre covering the requester's commune, and followed
by them until it is reproduced (or not)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.models import Initiative, Theme
from pepites.network.models import Centre
from pepites.territories.models import Commune, Region


class RequesterKind(models.TextChoices):
    COLLECTIVITE = "collectivite", _("Collectivité")
    ASSOCIATION = "association", _("Association")
    ENTREPRISE = "entreprise", _("Entreprise")
    BAILLEUR = "bailleur", _("Bailleur")
    ETAT = "etat", _("Service de l'État")
    HABITANT = "habitant", _("Habitant·e")
    AUTRE = "autre", _("Autre")


class Need(models.TextChoices):
    CONTACT = "contact", _("Être mis en relation avec le porteur")
    VISIT = "visite", _("Visiter l'initiative")
    DOCUMENTS = "documents", _("Recevoir des documents")
    SUPPORT = "accompagnement", _("Être accompagné par un centre de ressources")


class RequestStatus(models.TextChoices):
    NEW = "nouvelle", _("Nouvelle")
    IN_CONTACT = "en_contact", _("En contact")
    SUPPORTED = "accompagnee", _("Accompagnée")
    REPRODUCED = "reproduite", _("Reproduite")
    DROPPED = "sans_suite", _("Sans suite")


OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.IN_CONTACT, RequestStatus.SUPPORTED)
CLOSED_STATUSES = (RequestStatus.REPRODUCED, RequestStatus.DROPPED)


class InspirationRequest(models.Model):
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="inspiration_requests",
        verbose_name=_("initiative"),
    )
    # The initiative's principal theme when the request arrived (the dashboard groups and
    # filters on this column, without a join per request).
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requester_name = models.CharField(_("nom"), max_length=150)
    requester_email = models.EmailField(_("courriel"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    requester_kind = models.CharField(
        _("type de structure"), max_length=20, choices=RequesterKind.choices
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    # The commune's région, kept by submit_request (the dashboard groups on it without a
    # join to the 35,000 communes).
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    project = models.TextField(_("le projet"), max_length=2000)
    needs = models.JSONField(_("ce qui aiderait"), default=list, blank=True)
    # Routing: the centre that refers the initiative, the centre covering the requester's
    # commune (either may be empty: the national team then).
    referring_centre = models.ForeignKey(
        Centre,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_inspiration_requests",
        verbose_name=_("centre référent de l'initiative"),
    )
    local_centre = models.ForeignKey(
        Centre,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_inspiration_requests",
        verbose_name=_("centre du territoire du demandeur"),
    )
    status = models.CharField(
        _("état"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    closing_reason = models.CharField(_("raison"), max_length=300, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suivie par"),
    )
    reproduction = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiative reproduite"),
    )
    created_at = models.DateTimeField(_("reçue le"), db_index=True)
    # Derived when the request arrives and when it is first answered (services), for the
    # dashboard: grouping by a stored month and taking a median of stored seconds cost a
    # few milliseconds, computing them per row on SQLite about a second at 50,000 requests.
    month = models.DateField(_("mois de réception"), db_index=True)
    first_answer_at = models.DateTimeField(_("première réponse le"), null=True, blank=True)
    answer_seconds = models.PositiveIntegerField(
        _("délai de première réponse (s)"), null=True, blank=True, db_index=True
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("dernière relance le"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consentement donné le"))
    ip_hash = models.CharField(max_length=40, blank=True)
    is_demo = models.BooleanField(_("exemple de démonstration"), default=False)

    class Meta:
        verbose_name = _("demande d'essaimage")
        verbose_name_plural = _("demandes d'essaimage")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="essaimage_status_created"),
            models.Index(fields=["requester_email"], name="essaimage_requester"),
            # The dashboard's grouped read (insights/impact.py) from the index alone, in
            # month order, whatever the filter (period, centre, theme): SQLite looks a row
            # up in about 1.5 µs, 75 ms at 50,000 requests.
            models.Index(
                fields=[
                    "month",
                    "status",
                    "is_demo",
                    "answer_seconds",
                    "created_at",
                    "local_centre",
                    "referring_centre",
                    "theme",
                    "region",
                ],
                name="essaimage_impact_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester_name} — {self.initiative}"


class RequestNote(models.Model):
    """A dated note on a request, or the trace of a change of state (kind "etat")."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        STATUS = "etat", _("Changement d'état")

    request = models.ForeignKey(InspirationRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(_("note"), max_length=3000)
    created_at = models.DateTimeField(_("le"))

    class Meta:
        verbose_name = _("note de suivi")
        verbose_name_plural = _("notes de suivi")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class InspirationRequestTally(models.Model):
    """The requests' figures for the impact dashboard, kept by the services (tally.py) as
    they create requests and change them: per month, per scope (a centre involved, or 0
    for the whole network; a theme, or 0 for all) and per facet key, how many requests,
    how many of them demonstration content, how many answered. A dashboard query sums
    one scope's rows: months × keys, a few thousand rows, whatever the number of requests."""

    month = models.DateField()
    scope_centre = models.PositiveIntegerField()  # 0: the whole network
    scope_theme = models.PositiveIntegerField()  # 0: every theme
    # s: state, c: local centre, t: theme, r: région, d: days to the first answer
    facet = models.CharField(max_length=1)
    facet_key = models.CharField(max_length=20)
    requests = models.IntegerField(default=0)
    demo = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("décompte des demandes d'essaimage")
        verbose_name_plural = _("décomptes des demandes d'essaimage")
        constraints = [
            models.UniqueConstraint(
                fields=["scope_centre", "scope_theme", "month", "facet", "facet_key"],
                name="essaimage_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.scope_centre}/{self.scope_theme} {self.facet}:{self.facet_key}"
