"""The network's impact dashboard (read side): requests "M'en inspirer" by month, state,
centre and theme, time to first answer, initiatives essaimées and their reproductions,
initiatives added per centre. Filters: period, centre, theme. A few grouped queries each."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
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


# The grouped counts of the requests, in one statement: (part, key, status, is_demo, n,
# answered). Part 4 is the histogram of the answer times by hour, for an exact median.
_PARTS = (
    "SELECT 0, CAST(month AS TEXT), status, is_demo, COUNT(*), COUNT(answer_seconds) "
    "FROM {src} GROUP BY month, status, is_demo",
    "SELECT 1, CAST(local_centre_id AS TEXT), NULL, NULL, COUNT(*), 0 "
    "FROM {src} GROUP BY local_centre_id",
    "SELECT 2, CAST(theme_id AS TEXT), NULL, NULL, COUNT(*), 0 FROM {src} GROUP BY theme_id",
    "SELECT 3, CAST(region_id AS TEXT), NULL, NULL, COUNT(*), 0 FROM {src} GROUP BY region_id",
    "SELECT 4, CAST(answer_seconds / {bucket} AS TEXT), NULL, NULL, COUNT(*), 0 FROM {src} "
    "WHERE answer_seconds IS NOT NULL GROUP BY answer_seconds / {bucket}",
)
BUCKET_SECONDS = 3600
_COLUMNS = (
    "month",
    "status",
    "is_demo",
    "answer_seconds",
    "local_centre_id",
    "theme_id",
    "region_id",
)


# PostgreSQL groups the rows once for every part (grouping sets); the key of each row is
# that of its part, the other grouped columns being NULL there.
_GROUPING_SETS = (
    "SELECT CASE WHEN GROUPING(month, status, is_demo) = 0 THEN 0 "
    "WHEN GROUPING(local_centre_id) = 0 THEN 1 WHEN GROUPING(theme_id) = 0 THEN 2 "
    "WHEN GROUPING(region_id) = 0 THEN 3 ELSE 4 END, "
    "COALESCE(CAST(month AS TEXT), CAST(local_centre_id AS TEXT), CAST(theme_id AS TEXT), "
    "CAST(region_id AS TEXT), CAST(answer_seconds / {bucket} AS TEXT)), "
    "status, is_demo, COUNT(*), COUNT(answer_seconds) FROM ({inner}) f "
    "GROUP BY GROUPING SETS ((month, status, is_demo), (local_centre_id), (theme_id), "
    "(region_id), (answer_seconds / {bucket}))"
)


def _grouped_rows(requests: QuerySet[InspirationRequest], *, filtered: bool) -> list[tuple]:
    """SQLite, unfiltered: each part reads an index in its key's order (no sort, no row
    read). SQLite, filtered: the matching rows are read once (a range of the figures' index,
    or one centre's or theme's rows) and the parts group that small set. PostgreSQL: one
    scan, grouped by every part at once."""
    inner, params = requests.values(*_COLUMNS).query.sql_with_params()
    bucket = str(BUCKET_SECONDS)
    if connection.vendor == "postgresql":
        sql = _GROUPING_SETS.replace("{bucket}", bucket).replace("{inner}", inner)
    elif filtered:
        union = " UNION ALL ".join(_PARTS).replace("{bucket}", bucket)
        sql = f"WITH f AS MATERIALIZED ({inner}) " + union.replace("{src}", "f")
    else:  # no histogram: the median is read from the answer times' own index
        table = connection.ops.quote_name(InspirationRequest._meta.db_table)
        sql, params = " UNION ALL ".join(_PARTS[:-1]).replace("{src}", table), ()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _largest_first(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(pairs, key=lambda pair: (-pair[1], str(pair[0])))


def _median_seconds(
    requests: QuerySet[InspirationRequest], histogram: dict[int, int], count: int
) -> float:
    """The exact median of the answer times: the histogram says which hours hold the middle
    value(s), one short ordered read of those hours gives them (without a histogram, the
    whole network's: a read of the index at the middle)."""
    low, high = (count - 1) // 2, count // 2  # 0-based positions of the middle value(s)
    if not histogram:
        answered = requests.filter(answer_seconds__isnull=False).order_by("answer_seconds")
        middle = list(answered.values_list("answer_seconds", flat=True)[low : high + 1])
        return (float(middle[0] or 0) + float(middle[-1] or 0)) / 2
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
            answer_seconds__gte=first * BUCKET_SECONDS,
            answer_seconds__lt=(last + 1) * BUCKET_SECONDS,
        )
        .order_by("answer_seconds")
        .values_list("answer_seconds", flat=True)[offset : offset + 1 + high - low]
    )
    return (float(values[0] or 0) + float(values[-1] or 0)) / 2


def _request_figures(
    requests: QuerySet[InspirationRequest], result: Impact, names: dict, *, filtered: bool
) -> None:
    months: Counter = Counter()
    states: Counter = Counter()
    by_centre: Counter = Counter()
    themes: list[tuple[str, int]] = []
    regions: list[tuple[str, int]] = []
    histogram: dict[int, int] = {}
    for part, key, status, is_demo, n, answered in _grouped_rows(requests, filtered=filtered):
        if part == 0:
            result.total += n
            result.demo += n if is_demo else 0
            result.answered += answered
            months[key[:7]] += n
            states[status] += n
        elif part == 1:
            by_centre[names["centres"].get(int(key), "") if key else ""] += n
        elif part == 2:
            themes.append((names["themes"].get(int(key), "") if key else "", n))
        elif part == 3:
            regions.append((names["regions"].get(key, ""), n))
        elif key is not None:  # the requests not answered have no hour
            histogram[int(key)] = n
    result.by_month = sorted(months.items())
    labels = dict(RequestStatus.choices)
    result.by_status = [(str(labels[v]), states.get(v, 0)) for v in RequestStatus.values]
    result.by_centre = sorted(by_centre.items(), key=lambda pair: (-pair[1], pair[0]))
    result.by_theme = _largest_first(themes)
    result.by_region = _largest_first(regions)
    if result.answered:
        seconds = _median_seconds(requests, histogram, result.answered)
        result.median_answer_days = round(seconds / 86400, 1)


def impact(*, filters: ImpactFilters) -> Impact:
    theme_id = _theme_id(filters) if filters.theme_slug else 0
    requests = _requests(filters, theme_id)
    result = Impact()
    names: dict[str, dict] = {
        "centres": dict(Centre.objects.values_list("pk", "name")),
        "themes": dict(Theme.objects.values_list("pk", "label")),
        "regions": dict(Region.objects.values_list("code", "name")),
    }
    filtered = bool(filters.start or filters.end or filters.centre_id or filters.theme_slug)
    _request_figures(requests, result, names, filtered=filtered)
    links = InitiativeInspiration.objects.filter(
        source__status=InitiativeStatus.PUBLISHED, reproduction__status=InitiativeStatus.PUBLISHED
    )
    if filters.centre_id:
        links = links.filter(
            Q(source__centre_id=filters.centre_id) | Q(reproduction__centre_id=filters.centre_id)
        )
    if filters.theme_slug:
        links = links.filter(source__principal_theme_id=theme_id)
    if filters.start:
        links = links.filter(created_at__gte=_aware(filters.start))
    if filters.end:
        links = links.filter(created_at__lte=_aware(filters.end, end=True))
    counts = links.aggregate(
        essaimees=Count("source_id", distinct=True),
        reproductions=Count("reproduction_id", distinct=True),
    )
    result.essaimees, result.reproductions = counts["essaimees"], counts["reproductions"]
    result.added_by_centre = added_and_checked(
        filters=filters, names=names["centres"], theme_id=theme_id
    )
    return result


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
