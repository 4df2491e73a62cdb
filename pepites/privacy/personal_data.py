"""What the platform holds on a person (the register in docs/donnees-personnelles.md), as
one JSON document, and the erasure of their account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from pepites.accounts.models import ApiToken
from pepites.audit.models import Action, AuditEntry
from pepites.audit.services import record
from pepites.core.twofactor import disable_two_factor, has_two_factor
from pepites.initiatives.models import Initiative, Proposal
from pepites.network.models import Invitation, Membership
from pepites.publications.models import Subscriber


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _lookup(field: str, email: str) -> dict[str, Any]:
    """Rows with this e-mail address; none without an address."""
    return {field: email} if email else {"pk__in": []}


def personal_data(*, user: User) -> dict[str, Any]:
    """Every personal datum held on this account and its e-mail address."""
    email = user.email
    by_email: dict[str, Any] = {"email__iexact": email} if email else {"pk__in": []}
    data = {
        "compte": {
            "identifiant": user.get_username(),
            "courriel": email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "cree_le": _date(user.date_joined),
            "derniere_connexion": _date(user.last_login),
            "double_authentification": has_two_factor(user),
        },
        "centres": [
            {"centre": m.centre.name, "role": m.role, "depuis": _date(m.created_at)}
            for m in Membership.objects.filter(user=user).select_related("centre")
        ],
        "invitations": [
            {"centre": i.centre.name, "envoyee_le": _date(i.created_at)}
            for i in Invitation.objects.filter(**by_email).select_related("centre")
        ],
        "jetons_api": [
            {
                "nom": t.name,
                "debut": t.prefix,
                "cree_le": _date(t.created_at),
                "droits": t.scope,
                "derniere_utilisation": _date(t.last_used_at),
                "derniere_adresse": t.last_used_ip or "",
                "revoque_le": _date(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user)
        ],
        "propositions": [
            {
                "type": p.kind,
                "etat": p.status,
                "nom": p.proposer_name,
                "courriel": p.proposer_email,
                "message": p.message,
                "contenu": p.data,
                "decidee_le": _date(p.decided_at),
            }
            for p in Proposal.objects.filter(**_lookup("proposer_email__iexact", email))
        ],
        "abonnements": [
            {
                "collection": s.series.title,
                "consentement": s.consent_text,
                "consenti_le": _date(s.consented_at),
                "confirme_le": _date(s.confirmed_at),
                "desinscrit_le": _date(s.unsubscribed_at),
            }
            for s in Subscriber.objects.filter(**by_email).select_related("series")
        ],
        "contact_d_initiatives": [
            {
                "initiative": i.title,
                "nom": i.contact_name,
                "courriel": i.contact_email,
                "telephone": i.contact_phone,
                "publie_avec_consentement": i.contact_consent,
            }
            for i in Initiative.objects.filter(**_lookup("contact_email__iexact", email))
        ],
        "journal": [
            {"date": _date(e.at), "action": e.action, "adresse_ip": e.ip_address}
            for e in AuditEntry.objects.filter(actor=user)[:1000]
        ],
    }
    record(action=Action.PERSONAL_EXPORT, actor=user, target=user)
    return data


@transaction.atomic
def erase_account(*, user: User) -> None:
    """Erase a person's account at their request: identity blanked, no more login, centres
    left, tokens revoked, subscriptions deleted. What they wrote for the network stays (it
    is the centres' work), signed by an erased account."""
    email = user.email
    record(action=Action.DELETE, actor=user, target=user, details={"compte": "effacé"})
    Membership.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    disable_two_factor(user=user)
    if email:
        Subscriber.objects.filter(email__iexact=email).delete()
        Proposal.objects.filter(proposer_email__iexact=email).update(
            proposer_email="", proposer_name="", message="", ip_hash=""
        )
    user.username = f"compte-efface-{user.pk}"
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
