"""E-mail subscriptions to the new issues of a series: double opt-in, consent kept,
an unsubscribe link (signed token) in every message, notifications sent in batches.

Every message goes through the job queue (pepites/core/jobs/email.py): one queued e-mail
per subscriber, each retried on its own when the SMTP server fails.
"""

import secrets
from collections.abc import Iterator
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.core import links
from pepites.core.jobs.email import enqueue_email
from pepites.core.siteurl import site_url
from pepites.publications.links import absolute_url
from pepites.publications.models import Issue, Series, Subscriber

BATCH_SIZE = 100
UNSUBSCRIBE_SALT = "pepites.publications.unsubscribe"
# A pending address gets at most one confirmation e-mail per period, whoever asks.
RESEND_CONFIRMATION_AFTER = timedelta(minutes=10)


def consent_text(*, series: Series) -> str:
    return _(
        "J'accepte de recevoir par courriel l'annonce des nouveaux numéros de « %(series)s ». "
        "Mon adresse ne sert qu'à cela ; je peux me désinscrire à tout moment par le lien "
        "présent dans chaque message."
    ) % {"series": series.title}


def normalise_email(email: str) -> str:
    local, _sep, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.dumps(
        {"s": subscriber.pk, "t": subscriber.confirmation_token[:8]}, salt=UNSUBSCRIBE_SALT
    )


def subscriber_from_unsubscribe_token(token: str) -> Subscriber | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.select_related("series").filter(pk=data.get("s")).first()
    if subscriber is None or not subscriber.confirmation_token.startswith(data.get("t", "-")):
        return None
    return subscriber


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(links.path("publications.unsubscribe", token=unsubscribe_token(subscriber)))


def _message(*, subscriber: Subscriber, template: str, subject: str, context: dict) -> dict:
    link = unsubscribe_url(subscriber)
    context = {
        **context,
        "series": subscriber.series,
        "unsubscribe_url": link,
        "SITE_URL": site_url(),
    }
    body = render_to_string(f"publications/emails/{template}.txt", context)
    return {
        "subject": subject,
        "body": body,
        "to": [subscriber.email],
        "headers": {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


def _send_confirmation(subscriber: Subscriber) -> None:
    confirm = absolute_url(links.path("publications.confirm", token=subscriber.confirmation_token))
    enqueue_email(
        **_message(
            subscriber=subscriber,
            template="confirm",
            subject=_("Confirmez votre abonnement à %(series)s") % {"series": subscriber.series},
            context={"confirm_url": confirm},
        )
    )
    subscriber.confirmation_sent_at = timezone.now()
    subscriber.save(update_fields=["confirmation_sent_at"])


@transaction.atomic
def subscribe(*, series: Series, email: str) -> Subscriber:
    """Record the request and the consent, and e-mail a confirmation link.

    The caller shows the same answer whatever happens here, so the form never tells whether
    an address is already subscribed; an active subscriber gets no new e-mail.
    """
    email = normalise_email(email)
    now = timezone.now()
    subscriber = (
        Subscriber.objects.select_for_update().filter(series=series, email__iexact=email).first()
    )
    if subscriber is not None and subscriber.is_active:
        return subscriber
    if subscriber is None:
        subscriber = Subscriber(series=series, email=email)
    elif (
        subscriber.unsubscribed_at is None
        and subscriber.confirmation_sent_at
        and now - subscriber.confirmation_sent_at < RESEND_CONFIRMATION_AFTER
    ):
        return subscriber  # pending and just sent: no flood of confirmations
    subscriber.consent_text = consent_text(series=series)
    subscriber.consented_at = now
    subscriber.confirmation_token = secrets.token_urlsafe(32)
    subscriber.confirmed_at = None
    subscriber.unsubscribed_at = None
    subscriber.full_clean()
    subscriber.save()
    _send_confirmation(subscriber)
    return subscriber


def pending_subscriber(*, token: str) -> Subscriber | None:
    """The subscriber a confirmation link is for (confirmed already or not)."""
    return (
        Subscriber.objects.select_related("series")
        .filter(confirmation_token=token, unsubscribed_at__isnull=True)
        .first()
    )


@transaction.atomic
def confirm_subscription(*, token: str) -> Subscriber | None:
    subscriber = (
        Subscriber.objects.select_for_update()
        .select_related("series")
        .filter(confirmation_token=token, unsubscribed_at__isnull=True)
        .first()
    )
    if subscriber is None:
        return None
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber) -> None:
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])


def active_subscribers(*, series: Series):
    return Subscriber.objects.filter(
        series=series, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).order_by("pk")


def _batches(subscribers, size: int) -> Iterator[list[Subscriber]]:
    batch: list[Subscriber] = []
    for subscriber in subscribers.iterator(chunk_size=size):
        batch.append(subscriber)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def notify_new_issue(*, issue: Issue, batch_size: int = BATCH_SIZE) -> int:
    """E-mail every active subscriber of the series about a published issue, once.

    Returns the number of messages queued.
    """
    with transaction.atomic():
        claimed = Issue.objects.filter(pk=issue.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    if not claimed:
        return 0  # already notified (a republication, or a concurrent publish)
    series = issue.series
    issue_url = absolute_url(
        links.path("publications.issue", series=series.slug, number=issue.number)
    )
    pdf_url = absolute_url(
        links.path("publications.issue_pdf", series=series.slug, number=issue.number)
    )
    subject = _("%(series)s n° %(number)s : %(title)s") % {
        "series": series.title,
        "number": issue.number,
        "title": issue.title,
    }
    sent = 0
    for batch in _batches(active_subscribers(series=series).select_related("series"), batch_size):
        with transaction.atomic():
            for subscriber in batch:
                enqueue_email(
                    **_message(
                        subscriber=subscriber,
                        template="new_issue",
                        subject=subject,
                        context={"issue": issue, "issue_url": issue_url, "pdf_url": pdf_url},
                    )
                )
                sent += 1
    issue.notified_at = Issue.objects.values_list("notified_at", flat=True).get(pk=issue.pk)
    return sent
