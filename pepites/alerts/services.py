"""Subscriptions to a saved search: double opt-in (consent kept), a signed unsubscribe link
in every message, and the weekly digest, queued one e-mail per subscriber (core/jobs)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.alerts.models import SearchSubscription
from pepites.alerts.searches import describe, new_initiatives, normalise, search_form
from pepites.core import links, ratelimit
from pepites.core.jobs.email import enqueue_email
from pepites.initiatives.models import Initiative, InitiativeStatus

UNSUBSCRIBE_SALT = "pepites.alerts.unsubscribe"
RESEND_CONFIRMATION_AFTER = timedelta(minutes=10)
DIGEST_MAX_ITEMS = 20


def consent_text(*, label: str) -> str:
    return _(
        "J'accepte de recevoir chaque semaine par courriel les nouvelles initiatives de la "
        "recherche « %(label)s ». Mon adresse ne sert qu'à cela ; je peux me désinscrire à tout "
        "moment par le lien présent dans chaque message."
    ) % {"label": label}


def unsubscribe_token(subscription: SearchSubscription) -> str:
    return signing.dumps(
        {"s": subscription.pk, "t": subscription.confirmation_token[:8]}, salt=UNSUBSCRIBE_SALT
    )


def subscription_from_token(token: str) -> SearchSubscription | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    found = SearchSubscription.objects.filter(pk=data.get("s")).first()
    if found is None or not found.confirmation_token.startswith(data.get("t", "-")):
        return None
    return found


def _url(name: str, **kwargs) -> str:
    return links.absolute(name, **kwargs)


def _message(subscription: SearchSubscription, *, template: str, subject: str, context: dict):
    link = _url("alerts.unsubscribe", token=unsubscribe_token(subscription))
    body = render_to_string(
        f"alerts/emails/{template}.txt",
        {
            **context,
            "subscription": subscription,
            "unsubscribe_url": link,
            "search_url": links.absolute("home") + "?" + subscription.query,
            "feed_url": _url("alerts.feed") + "?" + subscription.query,
        },
    )
    enqueue_email(
        subject=subject,
        body=body,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


class RateLimited(Exception):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Beaucoup de demandes en peu de temps : réessayez dans une heure. Rien n'a été enregistré."
            )
        )


@transaction.atomic
def subscribe(
    *, email: str, query_data, ip: str = "", now: datetime | None = None
) -> SearchSubscription:
    """Record the request and its consent, and e-mail a confirmation link. The caller shows
    the same answer whatever happens (the form never tells whether an address is known)."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": _("Saisissez une adresse électronique valide, ex. prenom@exemple.fr.")}
        ) from exc
    local, _at, domain = email.rpartition("@")
    email = f"{local}@{domain.lower()}"
    # The proposals' limit, per address (IP) and per e-mail: no mail bombing by the form.
    if not ratelimit.consume(
        keys=["alerts:ip:" + ratelimit.hashed(ip), "alerts:email:" + ratelimit.hashed(email)],
        limit=settings.PROPOSALS_PER_HOUR,
        window=timedelta(hours=1),
    ):
        raise RateLimited
    query = normalise(query_data)
    label = describe(search_form(query))
    now = now or timezone.now()
    found = (
        SearchSubscription.objects.select_for_update()
        .filter(email__iexact=email, query=query)
        .first()
    )
    if found is not None and found.is_active:
        return found
    if found is None:
        found = SearchSubscription(email=email, query=query)
    elif (
        found.unsubscribed_at is None
        and found.confirmation_sent_at
        and now - found.confirmation_sent_at < RESEND_CONFIRMATION_AFTER
    ):
        return found
    found.label = label
    found.consent_text = consent_text(label=label)
    found.consented_at = now
    found.confirmation_token = secrets.token_urlsafe(32)
    found.confirmed_at = found.unsubscribed_at = None
    found.confirmation_sent_at = now
    found.save()
    _message(
        found,
        template="confirm",
        subject=_("Confirmez votre abonnement aux nouvelles initiatives"),
        context={"confirm_url": _url("alerts.confirm", token=found.confirmation_token)},
    )
    return found


@transaction.atomic
def confirm(*, token: str, now: datetime | None = None) -> SearchSubscription | None:
    found = (
        SearchSubscription.objects.select_for_update()
        .filter(confirmation_token=token, unsubscribed_at__isnull=True)
        .first()
    )
    if found is not None and found.confirmed_at is None:
        found.confirmed_at = now or timezone.now()
        found.last_sent_at = found.confirmed_at  # new from now on
        found.save(update_fields=["confirmed_at", "last_sent_at"])
    return found


def unsubscribe(*, subscription: SearchSubscription) -> None:
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])


def send_digests(*, now: datetime | None = None) -> int:
    """One e-mail per active subscription with new initiatives since its last digest; the
    search is run once per distinct search, not once per subscriber. Returns messages queued."""
    now = now or timezone.now()
    active = (
        SearchSubscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .only("pk", "email", "query", "label", "confirmation_token", "last_sent_at", "confirmed_at")
        .order_by("query", "pk")
    )
    sent = 0
    among = _published_since(active, now=now)
    for query, group in groupby(active.iterator(chunk_size=2000), key=lambda s: s.query):
        members = list(group)
        since = min(s.last_sent_at or s.confirmed_at or now for s in members)
        found = new_initiatives(query=query, since=since, until=now, among=among)
        if found:
            sent += _send_group(members, found, now=now)
    return sent


AMONG_LIMIT = 5000  # beyond, each search reads its own rows (a first digest after months)


def _published_since(active, *, now: datetime) -> list[int] | None:
    """The pks of the initiatives published since the oldest cursor of the active
    subscriptions: one range of the (status, published_at) index for all the searches."""
    from django.db.models import Min
    from django.db.models.functions import Coalesce

    oldest = active.aggregate(at=Min(Coalesce("last_sent_at", "confirmed_at")))["at"]
    if oldest is None:
        return None
    pks = list(
        Initiative.objects.filter(
            status=InitiativeStatus.PUBLISHED, published_at__gt=oldest, published_at__lte=now
        )
        .order_by()
        .values_list("pk", flat=True)[: AMONG_LIMIT + 1]
    )
    return pks if len(pks) <= AMONG_LIMIT else None


def _send_group(group, found, *, now: datetime) -> int:
    """The messages of one search's subscribers and their cursors, in one transaction: all
    queued and moved together, or none (a commit per subscriber would cost more than the
    rest)."""
    sent: list[int] = []
    links_of = {i.pk: _url("initiative", slug=i.slug) for i in found}  # once per search
    with transaction.atomic():
        for subscription in group:
            cursor = subscription.last_sent_at or subscription.confirmed_at
            items = [i for i in found if i.published_at > cursor]
            if not items:
                continue
            _message(
                subscription,
                template="digest",
                subject=_("Pépites : %(n)s nouvelle(s) initiative(s) pour « %(label)s »")
                % {"n": len(items), "label": subscription.label[:80]},
                context={
                    "items": [(i, links_of[i.pk]) for i in items[:DIGEST_MAX_ITEMS]],
                    "more": max(0, len(items) - DIGEST_MAX_ITEMS),
                },
            )
            sent.append(subscription.pk)
        SearchSubscription.objects.filter(pk__in=sent).update(last_sent_at=now)
    return len(sent)


def delete_stale(*, now: datetime | None = None) -> int:
    """Subscriptions left, or never confirmed, SUBSCRIBER_RETENTION_DAYS ago."""
    limit = (now or timezone.now()) - timedelta(days=settings.SUBSCRIBER_RETENTION_DAYS)
    deleted, _details = SearchSubscription.objects.filter(
        Q(unsubscribed_at__lt=limit) | Q(confirmed_at__isnull=True, created_at__lt=limit)
    ).delete()
    return deleted
