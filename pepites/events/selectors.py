"""Reads on the agenda: the public lists (upcoming, past, filtered), a page, the feeds, the
next events of a centre or of the network, the registrations of an event."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from pepites.events.models import Event, EventStatus, Registration, RegistrationStatus
from pepites.initiatives.models import Initiative, InitiativeStatus

# A feed lists what is coming and what happened lately, not the whole archive.
FEED_PAST_DAYS = 180


def _public() -> QuerySet[Event]:
    return (
        Event.objects.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])
        .select_related("commune", "region")
        .prefetch_related("centres", "themes")
    )


def filter_events(
    queryset: QuerySet[Event],
    *,
    kind: str = "",
    theme: str = "",
    centre: str = "",
    region: str = "",
) -> QuerySet[Event]:
    if kind:
        queryset = queryset.filter(kind=kind)
    if theme:
        queryset = queryset.filter(themes__slug=theme)
    if centre:
        queryset = queryset.filter(centres__slug=centre)
    if region:
        queryset = queryset.filter(region_id=region)
    return queryset.distinct() if theme or centre else queryset


def upcoming_events(*, now: datetime | None = None, **filters: str) -> QuerySet[Event]:
    """Not over yet (an event under way is still listed), soonest first."""
    now = now or timezone.now()
    return filter_events(_public().filter(ends_at__gte=now), **filters).order_by("starts_at", "pk")


def past_events(*, now: datetime | None = None, **filters: str) -> QuerySet[Event]:
    now = now or timezone.now()
    return (
        filter_events(_public().filter(ends_at__lt=now), **filters)
        .prefetch_related("attachments")
        .order_by("-starts_at", "-pk")
    )


def feed_events(*, now: datetime | None = None, **filters: str) -> QuerySet[Event]:
    now = now or timezone.now()
    since = now - timedelta(days=FEED_PAST_DAYS)
    return filter_events(_public().filter(ends_at__gte=since), **filters).order_by("starts_at")


def next_events(*, limit: int = 3, centre_id: int | None = None) -> list[Event]:
    """The next published events (the home page; a centre's page)."""
    events = _public().filter(status=EventStatus.PUBLISHED, ends_at__gte=timezone.now())
    if centre_id is not None:
        events = events.filter(centres=centre_id)
    return list(events.order_by("starts_at", "pk")[:limit])


def get_event(*, slug: str) -> Event | None:
    published_initiatives = Initiative.objects.filter(status=InitiativeStatus.PUBLISHED)
    return (
        Event.objects.select_related("commune", "departement", "region")
        .prefetch_related(
            "centres",
            "themes",
            "attachments",
            Prefetch("initiatives", queryset=published_initiatives.select_related("commune")),
        )
        .filter(slug=slug)
        .first()
    )


def registrations_of(*, event: Event) -> QuerySet[Registration]:
    return event.registrations.order_by("status", "seated_at", "waitlisted_at", "created_at")


def registration_counts(*, event: Event) -> dict[str, int]:
    counts = event.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        pending=Count("pk", filter=Q(status=RegistrationStatus.PENDING)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
    )
    return counts


def with_registration_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    return queryset.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        waitlisted_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    )


def events_by_ids(*, ids: list[int]) -> list[Event]:
    """Public events in the order of `ids` (the search engine's ranking)."""
    found = {event.pk: event for event in _public().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]
