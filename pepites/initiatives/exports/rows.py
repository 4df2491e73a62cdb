"""The initiatives to export: the map's filters, then the rows read by chunks with their
themes, links and QPV, so that 100,000 initiatives never sit in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from pepites.initiatives.exports.columns import COLUMNS
from pepites.initiatives.inspirations import source_uids_by_reproduction
from pepites.initiatives.labels.selectors import badges_for
from pepites.initiatives.models import (
    COMPUTED_QPV_RELATIONS,
    Initiative,
    InitiativeLink,
    InitiativeQpv,
    Theme,
)
from pepites.initiatives.selectors import LIST_ORDER, filter_published_initiatives

CHUNK_SIZE = 2000


def export_queryset(*, filters: dict[str, Any] | None = None) -> QuerySet[Initiative]:
    """The published initiatives matching the map's filters, newest first."""
    results = filter_published_initiatives(**(filters or {}))
    queryset = results.queryset
    if results.ranked_ids is not None:
        queryset = queryset.filter(pk__in=results.ranked_ids)
    return queryset.select_related("commune", "centre", "principal_theme", "organisation").order_by(
        *LIST_ORDER
    )


def iter_initiatives(queryset: QuerySet[Initiative]) -> Iterator[Initiative]:
    """The initiatives with their themes, links and QPV, read by chunks of CHUNK_SIZE."""
    themes = {theme.pk: theme for theme in Theme.objects.order_by("position", "label")}
    chunk: list[Initiative] = []
    for initiative in queryset.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(initiative)
        if len(chunk) >= CHUNK_SIZE:
            yield from _with_relations(chunk, themes)
            chunk = []
    if chunk:
        yield from _with_relations(chunk, themes)


def _with_relations(chunk: list[Initiative], themes: dict[int, Theme]) -> list[Initiative]:
    ids = [initiative.pk for initiative in chunk]
    theme_ids: dict[int, list[int]] = defaultdict(list)
    for initiative_id, theme_id in Initiative.themes.through.objects.filter(
        initiative_id__in=ids
    ).values_list("initiative_id", "theme_id"):
        theme_ids[initiative_id].append(theme_id)
    links: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for initiative_id, url, label in (
        InitiativeLink.objects.filter(initiative_id__in=ids)
        .order_by("position", "pk")
        .values_list("initiative_id", "url", "label")
    ):
        links[initiative_id].append((url, label))
    qpv: dict[int, set[str]] = defaultdict(set)
    for initiative_id, code in InitiativeQpv.objects.filter(
        initiative_id__in=ids, relation__in=COMPUTED_QPV_RELATIONS
    ).values_list("initiative_id", "qpv_code"):
        qpv[initiative_id].add(code)
    inspired_by = source_uids_by_reproduction(ids=ids)
    badges = badges_for(ids)
    order = {pk: position for position, pk in enumerate(themes)}
    for initiative in chunk:
        own = sorted(
            (themes[pk] for pk in theme_ids[initiative.pk] if pk in themes),
            key=lambda t: (t.pk != initiative.principal_theme_id, order[t.pk]),
        )
        initiative.export_themes = own  # type: ignore[attr-defined]
        initiative.export_links = links[initiative.pk]  # type: ignore[attr-defined]
        initiative.export_qpv_codes = sorted(qpv[initiative.pk])  # type: ignore[attr-defined]
        initiative.export_inspired_by = inspired_by.get(initiative.pk, [])  # type: ignore[attr-defined]
        own_badges = badges.get(initiative.pk, [])
        initiative.export_programmes = [b.slug for b in own_badges if b.kind == "programme"]  # type: ignore[attr-defined]
        initiative.export_labels = [b.slug for b in own_badges if b.kind == "label"]  # type: ignore[attr-defined]
    return chunk


def row_values(initiative: Initiative) -> list[Any]:
    return [column.value(initiative) for column in COLUMNS]
