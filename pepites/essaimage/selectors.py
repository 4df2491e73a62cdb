"""Reads of the essaimage domain: the follow-up queue, its counts, a requester's history, the
requests to remind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from pepites.essaimage.models import InspirationRequest, RequestStatus


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""  # one of RequestStatus, "" for every state
    centre_id: int | None = None
    mine_user_id: int | None = None  # only the requests this member is in charge of
    unassigned: bool = False
    query: str = ""  # requester, organisation or initiative


def filter_queue(
    base: QuerySet[InspirationRequest], *, filters: QueueFilters
) -> QuerySet[InspirationRequest]:
    queryset = base
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.centre_id:
        queryset = queryset.filter(
            Q(referring_centre_id=filters.centre_id) | Q(local_centre_id=filters.centre_id)
        )
    if filters.mine_user_id:
        queryset = queryset.filter(assignee_id=filters.mine_user_id)
    if filters.unassigned:
        queryset = queryset.filter(assignee__isnull=True)
    words = " ".join(filters.query.split())
    if words:
        queryset = queryset.filter(
            Q(requester_name__icontains=words)
            | Q(organisation__icontains=words)
            | Q(initiative__title__icontains=words)
        )
    return queryset.select_related(
        "initiative", "commune", "referring_centre", "local_centre", "assignee"
    ).order_by("-created_at", "-pk")


def status_counts(base: QuerySet[InspirationRequest]) -> dict[str, int]:
    """{state: count} over the requests the user sees (every state, zero included)."""
    counts = dict(base.order_by().values_list("status").annotate(n=Count("pk")))
    return {value: counts.get(value, 0) for value in RequestStatus.values}


def get_request(*, pk: int) -> InspirationRequest | None:
    return (
        InspirationRequest.objects.select_related(
            "initiative__commune",
            "initiative__centre",
            "commune__departement",
            "referring_centre",
            "local_centre",
            "assignee",
            "reproduction",
        )
        .filter(pk=pk)
        .first()
    )


def requester_history(*, request: InspirationRequest) -> QuerySet[InspirationRequest]:
    """The same person's other requests (by e-mail address), newest first."""
    return (
        InspirationRequest.objects.filter(requester_email__iexact=request.requester_email)
        .exclude(pk=request.pk)
        .select_related("initiative")
        .order_by("-created_at")
    )


def requests_to_remind(*, now: datetime) -> QuerySet[InspirationRequest]:
    """Still "nouvelle" ESSAIMAGE_REMINDER_DAYS after arrival, not reminded since then (never
    the demonstration requests: nobody is waiting for them)."""
    limit = now - timedelta(days=settings.ESSAIMAGE_REMINDER_DAYS)
    return (
        InspirationRequest.objects.filter(
            status=RequestStatus.NEW, created_at__lte=limit, is_demo=False
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=limit))
        .select_related("initiative", "commune", "referring_centre", "local_centre")
        .order_by("created_at")
    )
