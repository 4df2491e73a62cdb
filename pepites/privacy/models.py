"""The legal pages (mentions légales, données personnelles, accessibilité, cookies): their
text is edited by the national team; French defaults until then (legal_texts.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalPage(models.Model):
    class Kind(models.TextChoices):
        LEGAL_NOTICE = "mentions-legales", _("Mentions légales")
        PERSONAL_DATA = "donnees-personnelles", _("Données personnelles")
        ACCESSIBILITY = "accessibilite", _("Accessibilité")
        COOKIES = "cookies", _("Cookies")

    slug = models.SlugField(_("page"), max_length=40, unique=True, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte (Markdown)"), max_length=50_000)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("page légale")
        verbose_name_plural = _("pages légales")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title
