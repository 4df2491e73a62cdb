"""The groups of the one search box (/recherche/): one per kind of the search engine, each
knowing how to show what was found. A domain adds its group with `register_group` (the
agenda adds its events the same way)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.selectors import published_initiatives
from pepites.insights.library import resource_items
from pepites.resources.selectors import pages_matching, published_resources, with_relations


@dataclass(frozen=True)
class ResultGroup:
    kind: str  # the search engine's kind
    label: Any  # heading of the group (lazy translation)
    template: str  # how one result is shown
    load: Callable[[list[int], str], list]  # (ids in rank order, query) -> results to show
    list_url: Callable[[str], str]  # the full list of this kind for the query


GROUPS: dict[str, ResultGroup] = {}


def register_group(group: ResultGroup) -> None:
    GROUPS[group.kind] = group


def _in_order(objects, ids: list[int]) -> list:
    found = {o.pk: o for o in objects}
    return [found[pk] for pk in ids if pk in found]


def _initiatives(ids: list[int], query: str) -> list:
    queryset = published_initiatives().filter(pk__in=ids).select_related("commune", "centre")
    return _in_order(queryset, ids)


def _resources(ids: list[int], query: str) -> list:
    resources = _in_order(with_relations(published_resources().filter(pk__in=ids)), ids)
    pages = pages_matching(resource_ids=[r.pk for r in resources], query=query)
    items = resource_items(resources)
    for item in items:
        item.found_pages = pages.get(item.id, [])
    return items


register_group(
    ResultGroup(
        kind="initiative",
        label=_("Initiatives"),
        template="web/search_box/initiative.html",
        load=_initiatives,
        list_url=lambda q: reverse("home") + "?" + _query(q),
    )
)
register_group(
    ResultGroup(
        kind="resource",
        label=_("Ressources"),
        template="web/resources/includes/item.html",
        load=_resources,
        list_url=lambda q: reverse("search_box") + "?type=resource&" + _query(q),
    )
)


def _events(ids: list[int], query: str) -> list:
    from pepites.events.selectors import events_by_ids
    from pepites.web.events.views import decorate

    return [decorate(event) for event in events_by_ids(ids=ids)]


register_group(
    ResultGroup(
        kind="event",
        label=_("Événements"),
        template="web/search_box/event.html",
        load=_events,
        list_url=lambda q: reverse("search_box") + "?type=event&" + _query(q),
    )
)


def _query(q: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": q})
