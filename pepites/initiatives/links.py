"""The check of the initiatives' public links: each distinct address is fetched (HEAD, then
GET when HEAD is refused) with a timeout, and its result kept; the centres see the links
to fix in their workspace, and in their weekly reminder."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from pepites.initiatives.models import InitiativeLink, InitiativeStatus, LinkCheck

logger = logging.getLogger(__name__)

USER_AGENT = "Pepites-link-check/1.0 (+{site})"
# Some sites refuse HEAD (405, 403, 501) but answer GET.
RETRY_WITH_GET = {403, 405, 501}


def check_url(url: str, *, client: httpx.Client) -> tuple[int | None, str]:
    """(HTTP status, error) of one address: a status below 400 is a working link."""
    try:
        response = client.head(url)
        if response.status_code in RETRY_WITH_GET:
            with client.stream("GET", url) as streamed:
                return streamed.status_code, ""
        return response.status_code, ""
    except httpx.TimeoutException:
        return None, "délai dépassé"
    except httpx.HTTPError as exc:
        return None, exc.__class__.__name__[:100]


def check_links(*, limit: int | None = None) -> int:
    """Check the published initiatives' addresses not checked for LINK_CHECK_EVERY_DAYS
    (oldest first, at most `limit`); returns how many were checked."""
    now = timezone.now()
    urls = set(
        InitiativeLink.objects.filter(initiative__status=InitiativeStatus.PUBLISHED).values_list(
            "url", flat=True
        )
    )
    recent = set(
        LinkCheck.objects.filter(
            checked_at__gte=now - timedelta(days=settings.LINK_CHECK_EVERY_DAYS)
        ).values_list("url", flat=True)
    )
    due = sorted(urls - recent)[: limit or settings.LINK_CHECK_BATCH]
    timeout = httpx.Timeout(settings.LINK_CHECK_TIMEOUT)
    headers = {"User-Agent": USER_AGENT.format(site=settings.SITE_URL)}
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
        for url in due:
            status, error = check_url(url, client=client)
            ok = status is not None and status < 400
            previous = LinkCheck.objects.filter(url=url).first()
            broken_since = None
            if not ok:
                broken_since = (previous.broken_since if previous else None) or now
            LinkCheck.objects.update_or_create(
                url=url,
                defaults={
                    "status_code": status,
                    "error": error,
                    "checked_at": timezone.now(),
                    "broken_since": broken_since,
                },
            )
    LinkCheck.objects.exclude(url__in=urls).delete()  # addresses no initiative uses any more
    return len(due)


def broken_links(*, centre=None) -> QuerySet[InitiativeLink]:
    """The links of published initiatives (of `centre`) whose last check failed."""
    broken = LinkCheck.objects.filter(broken_since__isnull=False).values("url")
    links = InitiativeLink.objects.filter(
        url__in=broken, initiative__status=InitiativeStatus.PUBLISHED
    ).select_related("initiative")
    if centre is not None:
        links = links.filter(initiative__centre=centre)
    return links.order_by("initiative__title", "position")
