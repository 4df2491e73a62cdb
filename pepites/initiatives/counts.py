"""Counts of published initiatives that read every matching row, kept once per version of
the public data (pepites/core/dataversion.py): a list page or the API asks for the total
of its filters at each request, and a COUNT over 100,000 rows would cost more than the rest
of the page. The cache is Redis when configured (shared by the app servers), else local."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet

from pepites.core import dataversion
from pepites.initiatives.selectors import InitiativeResults

T = TypeVar("T")
KEEP_SECONDS = 24 * 3600  # a new data version makes new keys anyway


def per_public_version(name: str, compute: Callable[[], T]) -> T:
    """`compute()` once per version of the public data, kept in the cache under `name`."""
    return cache.get_or_set(dataversion.versioned_key(name), compute, KEEP_SECONDS)


def results_count(results: InitiativeResults) -> int:
    """The number of results: ranked ids are counted as they are, a query set once per
    data version (keyed by its SQL)."""
    if results.ranked_ids is not None:
        return len(results.ranked_ids)
    try:
        sql = str(results.queryset.order_by().query)
    except EmptyResultSet:  # a filter that matches nothing by construction (e.g. `pk__in=[]`)
        return 0
    key = "count:" + hashlib.sha256(sql.encode()).hexdigest()[:32]
    return per_public_version(key, results.count)


class CountedResults:
    """InitiativeResults for a Paginator, with the count of `results_count`."""

    def __init__(self, results: InitiativeResults) -> None:
        self.results = results

    def count(self) -> int:
        return results_count(self.results)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice):
        return self.results[item]
