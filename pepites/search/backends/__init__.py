"""One search backend per database vendor, chosen from the connection in use."""

from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

# How many of the newest matches are ranked when a query matches more than that: ranking
# tens of thousands of rows for a very common word costs hundreds of milliseconds, and the
# ranking of a word that every initiative holds says little anyway. Title and porteur
# matches are collected the same way and come first. Below the cap, ranking is exact.
CANDIDATES = 1000


def backend() -> ModuleType:
    if connection.vendor == "sqlite":
        from pepites.search.backends import sqlite

        return sqlite
    if connection.vendor == "postgresql":
        from pepites.search.backends import postgresql

        return postgresql
    raise ImproperlyConfigured(f"Search is not available on {connection.vendor}.")


def merge_ranked(
    *,
    names: list[tuple[int, float]],
    matches: list[tuple[int, float]],
    capped: bool,
    higher_is_better: bool,
) -> list[int]:
    """Order candidates (id, score): best score first, the newest first among equals.

    When the matches were capped, the name matches (title, porteur) come first.
    """
    sign = -1 if higher_is_better else 1

    def ranked(rows: list[tuple[int, float]]) -> list[int]:
        return [pk for pk, _score in sorted(rows, key=lambda row: (sign * row[1], -row[0]))]

    if not capped:
        return ranked(matches)
    first = ranked(names)
    seen = set(first)
    return first + [pk for pk in ranked(matches) if pk not in seen]
