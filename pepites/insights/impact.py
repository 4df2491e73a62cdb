"""The network's impact dashboard (read side): requests "M'en inspirer" by month, state,
centre and theme, time to first answer, initiatives essaimées and their reproductions,
initiatives added per centre. Filters: period, centre, theme. A few grouped queries each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from pepites.essaimage.models import InspirationRequest, RequestStatus
from pepites.initiatives.models import Initiative, InitiativeInspiration, InitiativeStatus
from pepites.network.models import Centre


@dataclass(frozen=True)
class ImpactFilters:
    start: date | None = None
    end: date | None = None
    centre_id: int | None = None
    theme_slug: str = ""


@dataclass
class Impact:
    total: int = 0
    demo: int = 0  # demonstration requests among them (said on the page)
    by_month: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_centre: list[tuple[str, int]] = field(default_factory=list)
    by_theme: list[tuple[str, int]] = field(default_factory=list)
    by_region: list[tuple[str, int]] = field(default_factory=list)
    answered: int = 0
    median_answer_days: float | None = None
    essaimees: int = 0
    reproductions: int = 0
    added_by_centre: list[tuple[str, int, int]] = field(default_factory=list)


def _aware(day: date, *, end: bool = False) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def _requests(filters: ImpactFilters) -> QuerySet[InspirationRequest]:
    queryset = InspirationRequest.objects.all()
    if filters.start:
        queryset = queryset.filter(created_at__gte=_aware(filters.start))
    if filters.end:
        queryset = queryset.filter(created_at__lte=_aware(filters.end, end=True))
    if filters.centre_id:
        queryset = queryset.filter(
            Q(referring_centre_id=filters.centre_id) | Q(local_centre_id=filters.centre_id)
        )
    if filters.theme_slug:
        queryset = queryset.filter(initiative__principal_theme__slug=filters.theme_slug)
    return queryset.order_by()


def _pairs(queryset, key: str) -> list[tuple[str, int]]:
    rows = queryset.values(key).annotate(n=Count("pk")).order_by("-n", key)
    return [(row[key] or "", row["n"]) for row in rows]


def impact(*, filters: ImpactFilters) -> Impact:
    requests = _requests(filters)
    result = Impact(total=requests.count(), demo=requests.filter(is_demo=True).count())
    result.by_month = [
        (row["month"].strftime("%Y-%m"), row["n"])
        for row in requests.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    ]
    labels = dict(RequestStatus.choices)
    counts = dict(_pairs(requests, "status"))
    result.by_status = [(str(labels[v]), counts.get(v, 0)) for v in RequestStatus.values]
    result.by_centre = _pairs(requests, "local_centre__name")
    result.by_theme = _pairs(requests, "initiative__principal_theme__label")
    result.by_region = _pairs(requests, "commune__region__name")
    delays = sorted(
        (answered - created).total_seconds() / 86400
        for created, answered in requests.filter(first_answer_at__isnull=False).values_list(
            "created_at", "first_answer_at"
        )
    )
    result.answered = len(delays)
    if delays:
        middle = len(delays) // 2
        median = delays[middle] if len(delays) % 2 else (delays[middle - 1] + delays[middle]) / 2
        result.median_answer_days = round(median, 1)
    links = InitiativeInspiration.objects.filter(
        source__status=InitiativeStatus.PUBLISHED, reproduction__status=InitiativeStatus.PUBLISHED
    )
    if filters.centre_id:
        links = links.filter(
            Q(source__centre_id=filters.centre_id) | Q(reproduction__centre_id=filters.centre_id)
        )
    if filters.theme_slug:
        links = links.filter(source__principal_theme__slug=filters.theme_slug)
    if filters.start:
        links = links.filter(created_at__gte=_aware(filters.start))
    if filters.end:
        links = links.filter(created_at__lte=_aware(filters.end, end=True))
    result.essaimees = links.values("source_id").distinct().count()
    result.reproductions = links.values("reproduction_id").distinct().count()
    result.added_by_centre = added_and_checked(filters=filters)
    return result


def added_and_checked(*, filters: ImpactFilters) -> list[tuple[str, int, int]]:
    """(centre, initiatives added, initiatives checked) in the period, per centre."""
    added = Q()
    checked = Q(last_checked_at__isnull=False)
    if filters.start:
        added &= Q(created_at__gte=_aware(filters.start))
        checked &= Q(last_checked_at__gte=_aware(filters.start))
    if filters.end:
        added &= Q(created_at__lte=_aware(filters.end, end=True))
        checked &= Q(last_checked_at__lte=_aware(filters.end, end=True))
    queryset = Initiative.objects.exclude(status=InitiativeStatus.ARCHIVED)
    if filters.theme_slug:
        queryset = queryset.filter(principal_theme__slug=filters.theme_slug)
    if filters.centre_id:
        queryset = queryset.filter(centre_id=filters.centre_id)
    rows = (
        queryset.order_by()
        .values(name=F("centre__name"))
        .annotate(added=Count("pk", filter=added), checked=Count("pk", filter=checked))
        .order_by("name")
    )
    return [
        (row["name"] or "", row["added"], row["checked"])
        for row in rows
        if row["added"] or row["checked"]
    ]


def centre_choices() -> list[tuple[int, str]]:
    return list(Centre.objects.order_by("name").values_list("pk", "name"))
