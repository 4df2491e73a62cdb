"""Reads of the resource library: the public list and its filters, a resource's page,
what a centre or an initiative shows, and on which pages of its file a query is found."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from pepites.resources.models import Resource, ResourcePage, ResourceStatus
from pepites.search.text import parse_query, stem, words

# Pages named per resource in a search result ("pages 37, 38…").
MAX_PAGES_SHOWN = 5


@dataclass(frozen=True)
class ResourceFilters:
    kind: str = ""
    theme: str = ""  # theme slug
    centre: str = ""  # centre slug
    territory: str = ""  # "region:84", "departement:93", "commune:93066", "qpv:QN09301M"
    year: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.kind or self.theme or self.centre or self.territory or self.year)


def published_resources() -> QuerySet[Resource]:
    return Resource.objects.filter(status=ResourceStatus.PUBLISHED)


def with_relations(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    return queryset.prefetch_related("centres", "themes")


def _territory_q(territory: str) -> Q | None:
    level, _sep, code = territory.partition(":")
    if not code:
        return None
    if level == "region":
        return (
            Q(regions=code)
            | Q(departements__region=code)
            | Q(communes__departement__region=code)
            | Q(qpvs__region=code)
        )
    if level == "departement":
        return Q(departements=code) | Q(communes__departement=code) | Q(qpvs__departement=code)
    if level == "commune":
        return Q(communes=code)
    if level == "qpv":
        return Q(qpvs=code)
    return None


def filter_resources(
    *, filters: ResourceFilters, queryset: QuerySet[Resource] | None = None
) -> QuerySet[Resource]:
    """The published resources (or `queryset`) matching the filters, newest first."""
    queryset = published_resources() if queryset is None else queryset
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.theme:
        queryset = queryset.filter(themes__slug=filters.theme)
    if filters.centre:
        queryset = queryset.filter(centres__slug=filters.centre)
    if filters.year:
        queryset = queryset.filter(date__year=filters.year)
    if filters.territory:
        condition = _territory_q(filters.territory)
        queryset = (
            queryset.filter(pk__in=Resource.objects.filter(condition).values("pk"))
            if (condition is not None)
            else queryset.none()
        )
    return queryset.distinct().order_by("-date", "-pk")


def get_resource(*, slug: str) -> Resource | None:
    return (
        Resource.objects.prefetch_related(
            "centres",
            "themes",
            "regions",
            "departements",
            "communes",
            "qpvs",
            Prefetch("initiatives", to_attr="linked_initiatives"),
        )
        .filter(slug=slug)
        .first()
    )


def resources_for_initiative(*, initiative_id: int) -> list[Resource]:
    """The published resources about an initiative (its page lists them)."""
    return list(published_resources().filter(initiatives=initiative_id).order_by("-date", "-pk"))


def latest_for_centre(*, centre_id: int, limit: int = 5) -> list[Resource]:
    return list(published_resources().filter(centres=centre_id).order_by("-date", "-pk")[:limit])


def resource_years() -> list[int]:
    return sorted({d.year for d in published_resources().dates("date", "year")}, reverse=True)


def _page_stems(text: str) -> set[str]:
    return {stem(word) for word in words(text)}


def pages_matching(*, resource_ids: list[int], query: str) -> dict[int, list[int]]:
    """For each resource, the pages of its file holding every word of the query (any form
    of it: stems, accents and case aside), or, failing that, the most of them."""
    query_words = parse_query(query)
    if not query_words or not resource_ids:
        return {}
    wanted = [set(word.stems) for word in query_words]
    found: dict[int, list[tuple[int, int]]] = {}
    rows = (
        ResourcePage.objects.filter(resource_id__in=resource_ids)
        .order_by("resource_id", "number")
        .values_list("resource_id", "number", "text")
    )
    for resource_id, number, text in rows.iterator(chunk_size=500):
        stems = _page_stems(text)
        score = sum(1 for forms in wanted if forms & stems)
        if score:
            found.setdefault(resource_id, []).append((score, number))
    result = {}
    for resource_id, scored in found.items():
        best = max(score for score, _number in scored)
        result[resource_id] = [n for score, n in scored if score == best][:MAX_PAGES_SHOWN]
    return result
