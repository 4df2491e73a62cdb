"""The network's impact dashboard (read side): requests "M'en inspirer" by month, state,
centre and theme, time to first answer, initiatives essaimées and their reproductions,
initiatives added per centre. Filters: period, centre, theme. A few grouped queries each."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from pepites.essaimage import tally
from pepites.essaimage.models import (
    InspirationRequest,
    InspirationRequestTally,
    RequestStatus,
)
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


def _requests(filters: ImpactFilters, theme_id: int) -> QuerySet[InspirationRequest]:
    queryset = InspirationRequest.objects.all()
    # The stored month bounds the period too: a range of the figures' index, in its order.
    if filters.start:
        queryset = queryset.filter(
            month__gte=filters.start.replace(day=1), created_at__gte=_aware(filters.start)
        )
    if filters.end:
        queryset = queryset.filter(
            month__lte=filters.end.replace(day=1), created_at__lte=_aware(filters.end, end=True)
        )
    if filters.centre_id:
        queryset = queryset.filter(
            Q(referring_centre_id=filters.centre_id) | Q(local_centre_id=filters.centre_id)
        )
    if filters.theme_slug:
        queryset = queryset.filter(theme_id=theme_id)
    return queryset.order_by()


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _whole_months(filters: ImpactFilters) -> tuple[date | None, date | None]:
    """The months the period covers whole: from the first (included) to the last
    (excluded); the tally gives those, the requests of the period's other days are read."""
    first = last = None
    if filters.start:
        first = filters.start if filters.start.day == 1 else _next_month(filters.start)
    if filters.end:
        last = (filters.end + timedelta(days=1)).replace(day=1)
    return first, last


def _tallied_rows(filters: ImpactFilters, theme_id: int) -> list[tuple]:
    """(month, facet, key, requests, demo, answered): the scope's rows of the tally over
    the whole months, then one row per facet of each request of the partial months."""
    first, last = _whole_months(filters)
    rows = InspirationRequestTally.objects.filter(
        scope_centre=filters.centre_id or 0, scope_theme=theme_id
    )
    if first:
        rows = rows.filter(month__gte=first)
    if last:
        rows = rows.filter(month__lt=last)
    found = list(rows.values_list("month", "facet", "facet_key", "requests", "demo", "answered"))
    edges = Q()
    if first:
        edges |= Q(month__lt=first)
    if last:
        edges |= Q(month__gte=last)
    if edges:
        for request in _requests(filters, theme_id).filter(edges).values(*tally.FIELDS):
            demo, answered = int(request["is_demo"]), int(request["answer_seconds"] is not None)
            found += [
                (request["month"], facet, key, 1, demo, answered)
                for facet, key in tally.facets(request)
            ]
    return found


def _nonzero_largest_first(counts: Counter) -> list[tuple[str, int]]:
    return sorted(((k, n) for k, n in counts.items() if n), key=lambda p: (-p[1], str(p[0])))


def _median_seconds(
    requests: QuerySet[InspirationRequest], histogram: Counter, count: int
) -> float:
    """The exact median of the answer times: the tally's histogram by day says which days
    hold the middle value(s), one short ordered read of the requests in those days gives
    them."""
    low, high = (count - 1) // 2, count // 2  # 0-based positions of the middle value(s)
    seen, first, offset, last = 0, None, 0, 0
    for bucket in sorted(histogram):
        if first is None and seen + histogram[bucket] > low:
            first, offset = bucket, low - seen
        if seen + histogram[bucket] > high:
            last = bucket
            break
        seen += histogram[bucket]
    assert first is not None
    values = list(
        requests.filter(
            answer_seconds__gte=first * tally.DAY_SECONDS,
            answer_seconds__lt=(last + 1) * tally.DAY_SECONDS,
        )
        .order_by("answer_seconds")
        .values_list("answer_seconds", flat=True)[offset : offset + 1 + high - low]
    )
    return (float(values[0] or 0) + float(values[-1] or 0)) / 2


def _request_figures(filters: ImpactFilters, theme_id: int, result: Impact, names: dict) -> None:
    months: Counter = Counter()
    states: Counter = Counter()
    by_facet: dict[str, Counter] = {facet: Counter() for facet in "ctrd"}
    unknown_theme = bool(filters.theme_slug) and not theme_id
    for month, facet, key, n, demo, answered in (
        [] if unknown_theme else _tallied_rows(filters, theme_id)
    ):
        if facet == "s":
            result.total += n
            result.demo += demo
            result.answered += answered
            months[month.strftime("%Y-%m")] += n
            states[key] += n
        elif facet == "d":
            by_facet["d"][int(key)] += n
        else:
            label = names[facet].get(int(key) if key and facet != "r" else key, "")
            by_facet[facet][label if key else ""] += n
    result.by_month = sorted((month, n) for month, n in months.items() if n)
    labels = dict(RequestStatus.choices)
    result.by_status = [(str(labels[v]), states.get(v, 0)) for v in RequestStatus.values]
    result.by_centre = _nonzero_largest_first(by_facet["c"])
    result.by_theme = _nonzero_largest_first(by_facet["t"])
    result.by_region = _nonzero_largest_first(by_facet["r"])
    if result.answered:
        histogram = Counter({day: n for day, n in by_facet["d"].items() if n})
        seconds = _median_seconds(_requests(filters, theme_id), histogram, result.answered)
        result.median_answer_days = round(seconds / 86400, 1)


def impact(*, filters: ImpactFilters) -> Impact:
    theme_id = _theme_id(filters) if filters.theme_slug else 0
    result = Impact()
    names: dict[str, dict] = {
        "c": dict(Centre.objects.values_list("pk", "name")),
        "t": dict(Theme.objects.values_list("pk", "label")),
        "r": dict(Region.objects.values_list("code", "name")),
    }
    _request_figures(filters, theme_id, result, names)
    result.essaimees, result.reproductions = _essaimage_counts(filters, theme_id)
    result.added_by_centre = added_and_checked(filters=filters, names=names["c"], theme_id=theme_id)
    return result


def _essaimage_counts(filters: ImpactFilters, theme_id: int) -> tuple[int, int]:
    """(initiatives essaimées, reproductions) through the links of the period between two
    published initiatives: the links read alone, then their initiatives by primary key
    (a join had PostgreSQL read the 100,000 initiatives for 2,000 links)."""
    links = InitiativeInspiration.objects.order_by()
    if filters.start:
        links = links.filter(created_at__gte=_aware(filters.start))
    if filters.end:
        links = links.filter(created_at__lte=_aware(filters.end, end=True))
    pairs = list(links.values_list("source_id", "reproduction_id"))
    ids = sorted({pk for pair in pairs for pk in pair})
    initiatives: dict[int, tuple[int | None, int | None]] = {}
    for start in range(0, len(ids), 10_000):  # under SQLite's limit of parameters
        published = Initiative.objects.filter(
            pk__in=ids[start : start + 10_000], status=InitiativeStatus.PUBLISHED
        )
        for pk, centre, theme in published.values_list("pk", "centre_id", "principal_theme_id"):
            initiatives[pk] = (centre, theme)
    sources, reproductions = set(), set()
    for source, reproduction in pairs:
        if source not in initiatives or reproduction not in initiatives:
            continue
        if filters.centre_id and filters.centre_id not in (
            initiatives[source][0],
            initiatives[reproduction][0],
        ):
            continue
        if filters.theme_slug and initiatives[source][1] != theme_id:
            continue
        sources.add(source)
        reproductions.add(reproduction)
    return len(sources), len(reproductions)


def added_and_checked(
    *, filters: ImpactFilters, names: dict[int, str], theme_id: int | None = None
) -> list[tuple[str, int, int]]:
    """(centre, initiatives added, initiatives checked) in the period, per centre: two
    grouped counts read from the initiatives' indexes alone, or for one theme a single
    count of that theme's initiatives."""
    # The statuses listed rather than one excluded: a range of the (centre, status, …)
    # indexes that PostgreSQL reads alone, where `<>` had it scan the table.
    kept = [status for status in InitiativeStatus.values if status != InitiativeStatus.ARCHIVED]
    queryset = Initiative.objects.filter(status__in=kept).order_by()
    if filters.centre_id:
        queryset = queryset.filter(centre_id=filters.centre_id)
    added_in, checked_in = Q(), Q(last_checked_at__isnull=False)
    if filters.start:
        added_in &= Q(created_at__gte=_aware(filters.start))
        checked_in &= Q(last_checked_at__gte=_aware(filters.start))
    if filters.end:
        added_in &= Q(created_at__lte=_aware(filters.end, end=True))
        checked_in &= Q(last_checked_at__lte=_aware(filters.end, end=True))
    if filters.theme_slug:
        theme = _theme_id(filters) if theme_id is None else theme_id
        queryset = queryset.filter(principal_theme_id=theme)
    if filters.theme_slug:
        # One read of the theme's rows. Grouped on an expression, not the column: SQLite
        # would otherwise walk the centre index in order and look up all 100,000 rows.
        rows = queryset.values_list(Coalesce("centre_id", 0)).annotate(
            added=Count("pk", filter=added_in), checked=Count("pk", filter=checked_in)
        )
        counts = {pk: (added, checked) for pk, added, checked in rows if added or checked}
    elif not (filters.start or filters.end):
        # Every initiative kept is "added": one pass gives both counts (COUNT(*), not of
        # the key, which is in no index PostgreSQL could read alone).
        rows = queryset.values_list("centre_id").annotate(
            added=Count("*"), checked=Count("last_checked_at")
        )
        counts = {pk: (added, checked) for pk, added, checked in rows}
    else:
        added_counts = dict(
            queryset.filter(added_in).values_list("centre_id").annotate(n=Count("pk"))
        )
        checked_counts = dict(
            queryset.filter(checked_in).values_list("centre_id").annotate(n=Count("pk"))
        )
        counts = {
            pk: (added_counts.get(pk, 0), checked_counts.get(pk, 0))
            for pk in set(added_counts) | set(checked_counts)
        }
    result = [(names.get(pk, "") if pk else "", *pair) for pk, pair in counts.items()]
    return sorted(result, key=lambda row: (row[0] == "", row[0]))


def centre_choices() -> list[tuple[int, str]]:
    return list(Centre.objects.order_by("name").values_list("pk", "name"))
