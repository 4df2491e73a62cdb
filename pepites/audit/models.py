"""The audit trail: who did what, when, from which address. Written by `record` only, never
edited from the interface."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    PUBLISH = "publication", _("publication")
    UNPUBLISH = "depublication", _("dépublication")
    ARCHIVE = "archivage", _("archivage")
    DELETE = "suppression", _("suppression")
    RESTORE = "restauration", _("restauration d'une version")
    PROPOSAL_ACCEPT = "proposition_acceptee", _("proposition acceptée")
    PROPOSAL_MERGE = "proposition_fusionnee", _("proposition fusionnée")
    PROPOSAL_REJECT = "proposition_refusee", _("proposition refusée")
    MEMBER_ADD = "membre_ajoute", _("membre ajouté ou rôle changé")
    MEMBER_REMOVE = "membre_retire", _("membre retiré")
    TOKEN_CREATE = "jeton_cree", _("jeton d'API créé")
    TOKEN_REVOKE = "jeton_revoque", _("jeton d'API révoqué")
    IMPORT = "import", _("import de fichier")
    PERSONAL_EXPORT = "export_donnees_personnelles", _("export de données personnelles")
    LOGIN = "connexion", _("connexion")
    LOGIN_FAILED = "connexion_echouee", _("connexion échouée")
    LOCKOUT = "verrouillage", _("connexion refusée (trop d'échecs)")
    TWO_FACTOR = "double_authentification", _("double authentification changée")
    PASSWORD_CHANGE = "mot_de_passe", _("mot de passe changé")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the account is deleted, and for failed logins (the identifier typed).
    actor_label = models.CharField(_("auteur (texte)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=60, blank=True)
    target_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    target_label = models.CharField(_("objet"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("action journalisée")
        verbose_name_plural = _("journal des actions sensibles")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"
