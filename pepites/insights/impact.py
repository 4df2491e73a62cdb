"""The network's impact dashboard (read side): requests "M'en inspirer" by month, state,
centre and theme, time to first answer, initiatives essaimées and their reproductions,
initiatives added per centre. Filters: period, centre, theme. A few grouped queries each."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pepites.essaimage.models import InspirationRequest, RequestStatus
from pepites.initiatives.models import (
    Initiative,
    InitiativeInspiration,
    InitiativeStatus,
    Theme,
)
from pepites.network.models import Centre
from pepites.territories.models import Region


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


def _theme_id(filters: ImpactFilters) -> int:
    """The theme's pk (0, which matches nothing, for an unknown slug)."""
    found = Theme.objects.filter(slug=filters.theme_slug).values_list("pk", flat=True).first()
    return found or 0


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
        queryset = queryset.filter(theme_id=_theme_id(filters))
    return queryset.order_by()


def _grouped(queryset, key: str, names: dict | None = None) -> list[tuple[str, int]]:
    """(label, count) by `key`, largest first; ids are named after the grouping (no join)."""
    rows = queryset.values(key).annotate(n=Count("pk")).order_by()
    pairs = [(names.get(row[key], "") if names else row[key] or "", row["n"]) for row in rows]
    return sorted(pairs, key=lambda pair: (-pair[1], str(pair[0])))


def _median_answer_days(requests: QuerySet[InspirationRequest]) -> tuple[int, float | None]:
    answered = requests.filter(answer_seconds__isnull=False)
    count = answered.count()
    if not count:
        return 0, None
    ordered = answered.order_by("answer_seconds").values_list("answer_seconds", flat=True)
    middle = count // 2
    if count % 2:
        seconds = float(ordered[middle] or 0)
    else:
        low, high = ordered[middle - 1 : middle + 1]
        seconds = (float(low or 0) + float(high or 0)) / 2
    return count, round(seconds / 86400, 1)


def _one_pass(requests: QuerySet[InspirationRequest], result: Impact, centres: dict) -> None:
    """Count, demonstration count, months, states and centres from one grouped read of the
    requests (a few thousand groups at most) instead of five scans."""
    months: Counter = Counter()
    states: Counter = Counter()
    by_centre: Counter = Counter()
    for month, status, centre_id, is_demo, n in (
        requests.values_list("month", "status", "local_centre_id", "is_demo")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        result.total += n
        result.demo += n if is_demo else 0
        months[month] += n
        states[status] += n
        by_centre[centres.get(centre_id, "") if centre_id else ""] += n
    result.by_month = [(month.strftime("%Y-%m"), months[month]) for month in sorted(months)]
    labels = dict(RequestStatus.choices)
    result.by_status = [(str(labels[v]), states.get(v, 0)) for v in RequestStatus.values]
    result.by_centre = sorted(by_centre.items(), key=lambda pair: (-pair[1], pair[0]))


def impact(*, filters: ImpactFilters) -> Impact:
    requests = _requests(filters)
    result = Impact()
    centres = dict(Centre.objects.values_list("pk", "name"))
    _one_pass(requests, result, centres)
    themes = dict(Theme.objects.values_list("pk", "label"))
    result.by_theme = _grouped(requests, "theme_id", themes)
    regions = dict(Region.objects.values_list("code", "name"))
    result.by_region = _grouped(requests, "commune__region_id", regions)
    result.answered, result.median_answer_days = _median_answer_days(requests)
    links = InitiativeInspiration.objects.filter(
        source__status=InitiativeStatus.PUBLISHED, reproduction__status=InitiativeStatus.PUBLISHED
    )
    if filters.centre_id:
        links = links.filter(
            Q(source__centre_id=filters.centre_id) | Q(reproduction__centre_id=filters.centre_id)
        )
    if filters.theme_slug:
        links = links.filter(source__principal_theme_id=_theme_id(filters))
    if filters.start:
        links = links.filter(created_at__gte=_aware(filters.start))
    if filters.end:
        links = links.filter(created_at__lte=_aware(filters.end, end=True))
    result.essaimees = links.values("source_id").distinct().count()
    result.reproductions = links.values("reproduction_id").distinct().count()
    result.added_by_centre = added_and_checked(filters=filters, names=centres)
    return result


def added_and_checked(
    *, filters: ImpactFilters, names: dict[int, str]
) -> list[tuple[str, int, int]]:
    """(centre, initiatives added, initiatives checked) in the period, per centre: two
    grouped counts on the initiatives' own columns."""
    queryset = Initiative.objects.exclude(status=InitiativeStatus.ARCHIVED).order_by()
    if filters.theme_slug:
        queryset = queryset.filter(principal_theme_id=_theme_id(filters))
    if filters.centre_id:
        queryset = queryset.filter(centre_id=filters.centre_id)
    added, checked = queryset, queryset.filter(last_checked_at__isnull=False)
    if filters.start:
        added = added.filter(created_at__gte=_aware(filters.start))
        checked = checked.filter(last_checked_at__gte=_aware(filters.start))
    if filters.end:
        added = added.filter(created_at__lte=_aware(filters.end, end=True))
        checked = checked.filter(last_checked_at__lte=_aware(filters.end, end=True))
    added_counts = dict(added.values_list("centre_id").annotate(n=Count("pk")))
    checked_counts = dict(checked.values_list("centre_id").annotate(n=Count("pk")))
    rows = [
        (names.get(pk, "") if pk else "", added_counts.get(pk, 0), checked_counts.get(pk, 0))
        for pk in set(added_counts) | set(checked_counts)
    ]
    return sorted(rows, key=lambda row: (row[0] == "", row[0]))


def centre_choices() -> list[tuple[int, str]]:
    return list(Centre.objects.order_by("name").values_list("pk", "name"))
