"""Subscriptions to a saved search: anyone (no account) receives by e-mail, once a week,
the new initiatives matching a search of the map (themes, territory, QPV relation, words)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchSubscription(models.Model):
    email = models.EmailField(_("adresse électronique"))
    # The search as the map's address says it (the filter vocabulary of
    # pepites/initiatives/filters.py), normalised: same search, same text.
    query = models.CharField(_("recherche"), max_length=1000, blank=True)
    label = models.CharField(_("description de la recherche"), max_length=500)
    consent_text = models.TextField(_("consentement donné"))
    consented_at = models.DateTimeField(_("consentement donné le"))
    confirmation_token = models.CharField(max_length=64, unique=True, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)
    # The digest's cursor: initiatives published after it are new for this subscriber.
    last_sent_at = models.DateTimeField(_("dernier envoi le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement à une recherche")
        verbose_name_plural = _("abonnements à des recherches")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="unique_search_subscription")
        ]
        indexes = [models.Index(fields=["confirmed_at", "unsubscribed_at"], name="alerts_active")]

    def __str__(self) -> str:
        return f"{self.email} — {self.label}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
