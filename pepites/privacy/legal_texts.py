"""Default French text of the legal pages, shown until the national team writes its own
(administration → Pages légales). Marked as to be completed by the publisher."""

from django.conf import settings
from django.utils.translation import gettext as _

from pepites.privacy.models import LegalPage

TO_COMPLETE = "> **À compléter par l'éditeur du service** avant la mise en ligne.\n\n"


def _defaults() -> dict[str, tuple[str, str]]:
    return {
        LegalPage.Kind.LEGAL_NOTICE: (
            _("Mentions légales"),
            TO_COMPLETE + "## Éditeur\n\n[Nom de la structure éditrice, adresse, numéro SIRET, "
            "directeur ou directrice de la publication, contact.]\n\n"
            "## Hébergement\n\n[Nom, adresse et téléphone de l'hébergeur.]\n\n"
            "## Logiciel et données\n\nPépites est un logiciel libre (AGPL-3.0-or-later). "
            "Les initiatives publiées sont diffusées sous Licence Ouverte 2.0.\n",
        ),
        LegalPage.Kind.PERSONAL_DATA: (
            _("Données personnelles"),
            TO_COMPLETE
            + "## Responsable de traitement\n\n[Structure éditrice ; délégué ou déléguée à "
            "la protection des données : contact.]\n\n"
            "## Ce que nous conservons et combien de temps\n\n"
            "- Propositions d'initiatives : votre nom, votre courriel et votre message, "
            f"effacés {settings.PROPOSAL_RETENTION_DAYS} jours après la décision.\n"
            "- Abonnements : votre courriel, jusqu'à votre désinscription (lien dans chaque "
            "envoi).\n"
            "- Comptes des centres : identité et courriel, tant que le compte sert ; "
            f"désactivés après {settings.INACTIVE_ACCOUNT_DAYS} jours sans connexion.\n"
            "- Journal de sécurité (connexions, actions sensibles) : "
            f"{settings.AUDIT_RETENTION_DAYS} jours.\n\n"
            "## Vos droits\n\nDepuis « Mon compte », vous téléchargez vos données et "
            "effacez votre compte. Pour toute autre demande (accès, rectification, "
            "opposition), écrivez à [adresse de contact]. Vous pouvez saisir la CNIL.\n",
        ),
        LegalPage.Kind.ACCESSIBILITY: (
            _("Accessibilité"),
            TO_COMPLETE
            + "## Déclaration d'accessibilité\n\n[Structure éditrice] s'engage à rendre "
            "Pépites accessible conformément au RGAA 4.1.\n\n"
            "## État de conformité\n\nPépites est **partiellement conforme** au RGAA 4.1 "
            "en l'absence d'audit complet par un organisme indépendant. [Taux de conformité "
            "et date de l'audit, une fois réalisé.]\n\n"
            "## Vérifications faites par l'équipe de Pépites\n\n"
            "À chaque version, les tests du projet vérifient dans un vrai navigateur :\n\n"
            "- les règles WCAG 2.1 A et AA d'axe-core sur chaque type de page (aucune "
            "violation) ;\n"
            "- que chaque aide et chaque erreur est reliée à son champ par un identifiant "
            "valide ;\n"
            "- l'affichage sur un écran de 320 pixels de large et avec un zoom de 200 % : pas "
            "de défilement horizontal de la page (critères 10.4 et 10.11) ;\n"
            "- l'espacement du texte augmenté (interlignage 1,5, espacement des lettres et des "
            "mots) : aucun texte coupé (critère 10.12) ;\n"
            "- l'annonce du nombre de résultats et de l'état de la carte aux lecteurs "
            "d'écran (zones de statut), le déplacement du focus vers les résultats après une "
            "recherche, vers le récapitulatif des erreurs après un envoi incomplet, et la "
            "touche Entrée qui n'envoie pas un long formulaire par erreur (critères 7.5, "
            "11.10 et 12.8).\n\n"
            "## Contenus non accessibles\n\n"
            "- La carte interactive : ses marqueurs ne sont pas lisibles par un lecteur "
            "d'écran ; la liste des résultats, toujours présente et filtrée de la même façon, "
            "en est l'équivalent.\n"
            "- Sur un écran étroit, le menu principal défile horizontalement dans sa propre "
            "bande.\n"
            "- Le PDF de *L'Éco des quartiers* est balisé (titres, ordre de lecture, textes "
            "de remplacement des images) mais n'a pas été vérifié selon PDF/UA ; la version "
            "en ligne de chaque numéro en reprend tout le contenu.\n"
            "- Les parcours n'ont pas encore été testés par des personnes utilisant un "
            "lecteur d'écran (NVDA, VoiceOver).\n\n"
            "## Retour d'information et contact\n\n[Adresse de contact.] Si vous n'obtenez "
            "pas de réponse, vous pouvez saisir le Défenseur des droits.\n",
        ),
        LegalPage.Kind.COOKIES: (
            _("Cookies"),
            "Pépites ne dépose **que des cookies nécessaires** à son fonctionnement, "
            "exemptés de consentement :\n\n"
            "- `sessionid` : votre session, seulement après connexion à l'espace des "
            "centres ;\n"
            "- `csrftoken` : la protection des formulaires contre la falsification de "
            "requêtes.\n\n"
            "Aucun cookie de mesure d'audience, de publicité ni de tiers. Les fonds de carte "
            "sont chargés depuis le serveur de tuiles configuré, sans cookie.\n",
        ),
    }


def legal_page(*, slug: str) -> tuple[str, str, bool]:
    """(title, Markdown body, is_default) of a legal page; KeyError if unknown."""
    page = LegalPage.objects.filter(slug=slug).first()
    if page is not None:
        return page.title, page.body, False
    title, body = _defaults()[LegalPage.Kind(slug)]
    return title, body, True
