"""E-mails go through the queue: the request renders and enqueues them (in its transaction,
so a rolled-back action sends nothing), a worker talks to the SMTP server, retrying with
backoff when it is down (EMAIL_RETRIES, EMAIL_RETRY_BACKOFF); a final failure is logged and
listed for staff. The visitor never waits for, nor sees, the SMTP server."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage

from pepites.core.jobs.registry import job


@job(retries=settings.EMAIL_RETRIES, backoff=settings.EMAIL_RETRY_BACKOFF)
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str = "",
    headers: dict[str, str] | None = None,
) -> int:
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    ).send()


def enqueue_email(
    *,
    subject: str,
    body: str,
    to: Iterable[str],
    from_email: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    """Queue one message (nothing when there is no recipient)."""
    recipients = [address for address in to if address]
    if recipients:
        send_email.enqueue(
            subject=str(subject),
            body=body,
            to=recipients,
            from_email=from_email,
            headers=headers or {},
        )
