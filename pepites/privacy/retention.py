"""Retention rules of the personal data (docs/donnees-personnelles.md), enforced by
`run_retention()`: run it once a day (periodic job, or `pepites run_retention`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pepites.alerts.services import delete_stale as delete_stale_search_subscriptions
from pepites.audit.services import purge_audit_trail
from pepites.core import ratelimit
from pepites.essaimage.services import purge_requester_data
from pepites.initiatives.checkins.services import purge_old_links
from pepites.initiatives.contributions.retention import purge_proposer_data
from pepites.network.models import Invitation
from pepites.publications.models import Subscriber


def delete_unsubscribed(*, now=None) -> int:
    """Subscribers who left, or never confirmed, after SUBSCRIBER_RETENTION_DAYS."""
    limit = (now or timezone.now()) - timedelta(days=settings.SUBSCRIBER_RETENTION_DAYS)
    deleted, _ = Subscriber.objects.filter(
        Q(unsubscribed_at__lt=limit) | Q(confirmed_at__isnull=True, created_at__lt=limit)
    ).delete()
    return deleted


def delete_old_invitations(*, now=None) -> int:
    """Invitations (an e-mail address) expired for SUBSCRIBER_RETENTION_DAYS."""
    limit = (now or timezone.now()) - timedelta(days=settings.SUBSCRIBER_RETENTION_DAYS)
    deleted, _ = Invitation.objects.filter(expires_at__lt=limit).delete()
    return deleted


def deactivate_inactive_accounts(*, now=None) -> int:
    """Accounts unused for INACTIVE_ACCOUNT_DAYS are deactivated (no login, no token); the
    national team can reactivate or delete them from the administration."""
    limit = (now or timezone.now()) - timedelta(days=settings.INACTIVE_ACCOUNT_DAYS)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False)
        .filter(Q(last_login__lt=limit) | Q(last_login__isnull=True, date_joined__lt=limit))
        .update(is_active=False)
    )


@transaction.atomic
def run_retention(*, now=None) -> dict[str, int]:
    """Every retention rule; returns how many rows each one changed."""
    return {
        "propositions_anonymisees": purge_proposer_data(now=now),
        "demandes_essaimage_anonymisees": purge_requester_data(now=now),
        "abonnes_supprimes": delete_unsubscribed(now=now),
        "abonnements_recherches_supprimes": delete_stale_search_subscriptions(now=now),
        "invitations_supprimees": delete_old_invitations(now=now),
        "comptes_desactives": deactivate_inactive_accounts(now=now),
        "journal_purge": purge_audit_trail(now=now),
        "limites_de_debit_purgees": ratelimit.purge(),
        "liens_de_bilan_supprimes": purge_old_links(now=now),
    }
