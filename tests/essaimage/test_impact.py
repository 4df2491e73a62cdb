"""The impact dashboard's figures (insights/impact.py) against a plain Python count of the
same rows, for each filter: whatever SQL computes them, the figures stay the same."""

from collections import Counter
from datetime import date, datetime, timedelta
from statistics import median

import pytest
from django.utils import timezone

from pepites.essaimage.models import InspirationRequest, RequestStatus
from pepites.essaimage.services import month_of, set_status
from pepites.initiatives.inspirations import link_inspiration
from pepites.initiatives.models import (
    Initiative,
    InitiativeInspiration,
    InitiativeStatus,
    Theme,
)
from pepites.insights.impact import ImpactFilters, impact
from pepites.network.models import Centre
from tests.essaimage.helpers import ask, initiative

pytestmark = pytest.mark.django_db

YEAR = 2025
ANSWER_SECONDS = [0, 3_600, 86_400, 200_000, 7 * 86_400, 90_000, 4_000]


def _in_period(moment: datetime | None, filters: ImpactFilters) -> bool:
    if moment is None:
        return False
    day = timezone.localtime(moment).date()
    return (not filters.start or day >= filters.start) and (not filters.end or day <= filters.end)


def _theme_pk(filters: ImpactFilters) -> int:
    return Theme.objects.filter(slug=filters.theme_slug).values_list("pk", flat=True).first() or 0


def _largest_first(counts: Counter) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda pair: (-pair[1], str(pair[0])))


def _expected_requests(filters: ImpactFilters) -> dict:
    rows = [
        r
        for r in InspirationRequest.objects.select_related(
            "commune__region", "local_centre", "theme"
        )
        if _in_period(r.created_at, filters)
        and (
            not filters.centre_id or filters.centre_id in (r.referring_centre_id, r.local_centre_id)
        )
        and (not filters.theme_slug or r.theme_id == _theme_pk(filters))
    ]
    states = Counter(r.status for r in rows)
    labels = dict(RequestStatus.choices)
    seconds = [r.answer_seconds for r in rows if r.answer_seconds is not None]
    return {
        "total": len(rows),
        "demo": sum(r.is_demo for r in rows),
        "by_month": sorted(Counter(r.month.strftime("%Y-%m") for r in rows).items()),
        "by_status": [(str(labels[v]), states.get(v, 0)) for v in RequestStatus.values],
        "by_centre": _largest_first(
            Counter(r.local_centre.name if r.local_centre else "" for r in rows)
        ),
        "by_theme": _largest_first(Counter(r.theme.label if r.theme else "" for r in rows)),
        "by_region": _largest_first(Counter(r.commune.region.name for r in rows)),
        "answered": len(seconds),
        "median_answer_days": round(median(seconds) / 86400, 1) if seconds else None,
    }


def _expected_links(filters: ImpactFilters) -> tuple[int, int]:
    theme = _theme_pk(filters)
    links = [
        link
        for link in InitiativeInspiration.objects.select_related("source", "reproduction")
        if link.source.status == link.reproduction.status == InitiativeStatus.PUBLISHED
        and (
            not filters.centre_id
            or filters.centre_id in (link.source.centre_id, link.reproduction.centre_id)
        )
        and (not filters.theme_slug or link.source.principal_theme_id == theme)
        and _in_period(link.created_at, filters)
    ]
    return len({link.source_id for link in links}), len({link.reproduction_id for link in links})


def _expected_added(filters: ImpactFilters) -> list[tuple[str, int, int]]:
    theme = _theme_pk(filters)
    added: Counter = Counter()
    checked: Counter = Counter()
    for item in Initiative.objects.exclude(status=InitiativeStatus.ARCHIVED).select_related(
        "centre"
    ):
        if filters.theme_slug and item.principal_theme_id != theme:
            continue
        if filters.centre_id and item.centre_id != filters.centre_id:
            continue
        name = item.centre.name if item.centre else ""
        added[name] += _in_period(item.created_at, filters)
        checked[name] += _in_period(item.last_checked_at, filters)
    rows = [(name, added[name], checked[name]) for name in added if added[name] or checked[name]]
    return sorted(rows, key=lambda row: (row[0] == "", row[0]))


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def activity(people):
    """Requests over two years, in every state, from several communes, on two themes, some
    of them answered; links in and out of a period; initiatives added and checked."""
    saint_denis = initiative()
    lyon = initiative(title="Jardin partagé de Lyon", commune="69123")
    lille = initiative(title="Recyclerie de Lille", commune="59350")
    other_theme = Theme.objects.exclude(pk=saint_denis.principal_theme_id).order_by("pk").first()
    Initiative.objects.filter(pk=lille.pk).update(principal_theme=other_theme)
    lille.refresh_from_db()
    communes = ["56121", "93048", "77288", "69388", "13055", "75119", "93066"]
    statuses = RequestStatus.values
    sources = [saint_denis, lyon, lille]
    for number in range(23):
        source = sources[number % 3]
        request = ask(
            source,
            commune_code=communes[number % len(communes)],
            requester_email=f"demandeur{number}@exemple.invalid",
            ip=f"198.51.100.{number}",
        )
        created = _at(date(YEAR - 1 + number % 2, 1 + number % 12, 1 + number % 28), number % 24)
        status = statuses[number % len(statuses)]
        answered = None if status == RequestStatus.NEW else ANSWER_SECONDS[number % 7]
        InspirationRequest.objects.filter(pk=request.pk).update(
            created_at=created,
            month=month_of(created),
            status=status,
            is_demo=number % 4 == 0,
            answer_seconds=answered,
            first_answer_at=created + timedelta(seconds=answered) if answered is not None else None,
        )
    copies = [
        initiative(title=f"Reproduction {n}", commune=commune)
        for n, commune in enumerate(["93048", "69388", "13055", "75119"])
    ]
    link_inspiration(source=saint_denis, reproduction=copies[0])
    link_inspiration(source=saint_denis, reproduction=copies[1])
    link_inspiration(source=lyon, reproduction=copies[2])
    link_inspiration(source=lille, reproduction=copies[3])
    InitiativeInspiration.objects.filter(reproduction=copies[1]).update(
        created_at=_at(date(YEAR, 3, 4))
    )
    Initiative.objects.filter(pk=copies[3].pk).update(status=InitiativeStatus.ARCHIVED)
    Initiative.objects.filter(pk=lyon.pk).update(
        created_at=_at(date(YEAR, 5, 6)), last_checked_at=_at(date(YEAR, 6, 7))
    )
    Initiative.objects.filter(pk=saint_denis.pk).update(last_checked_at=_at(date(YEAR - 1, 2, 3)))
    return people


def _variants(people) -> list[ImpactFilters]:
    themes = list(Theme.objects.order_by("pk").values_list("slug", flat=True))
    used = InspirationRequest.objects.values_list("theme__slug", flat=True).distinct()
    return [
        ImpactFilters(),
        ImpactFilters(centre_id=people.pb.pk),
        ImpactFilters(centre_id=people.labo.pk),
        ImpactFilters(centre_id=Centre.objects.get(slug="reso-villes").pk),
        *[ImpactFilters(theme_slug=slug) for slug in sorted(set(used))],
        ImpactFilters(theme_slug=themes[-1]),
        ImpactFilters(theme_slug="inconnue"),
        ImpactFilters(start=date(YEAR, 1, 1), end=date(YEAR, 12, 31)),
        ImpactFilters(start=date(YEAR, 3, 1)),
        ImpactFilters(end=date(YEAR - 1, 6, 30)),
        ImpactFilters(
            centre_id=people.pb.pk, start=date(YEAR - 1, 1, 1), end=date(YEAR - 1, 12, 31)
        ),
        ImpactFilters(start=date(2000, 1, 1), end=date(2000, 12, 31)),
    ]


def test_figures_match_a_plain_count_for_every_filter(activity):
    assert InspirationRequest.objects.filter(answer_seconds__isnull=False).count() > 10
    for filters in _variants(activity):
        figures = impact(filters=filters)
        expected = _expected_requests(filters)
        assert {name: getattr(figures, name) for name in expected} == expected, filters
        assert (figures.essaimees, figures.reproductions) == _expected_links(filters), filters
        assert figures.added_by_centre == _expected_added(filters), filters


def test_an_even_number_of_answers_takes_the_mean_of_the_middle_two(people):
    source = initiative()
    for number, seconds in enumerate([86_400, 2 * 86_400, 3 * 86_400, 10 * 86_400]):
        request = ask(source, requester_email=f"d{number}@exemple.invalid", ip=f"10.0.0.{number}")
        set_status(
            request=request,
            status=RequestStatus.IN_CONTACT,
            user=people.member,
            now=request.created_at + timedelta(seconds=seconds),
        )
    ask(source, requester_email="nouvelle@exemple.invalid", ip="10.0.1.1")
    figures = impact(filters=ImpactFilters())
    assert (figures.total, figures.answered, figures.median_answer_days) == (5, 4, 2.5)
