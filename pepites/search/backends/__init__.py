"""One search backend per database vendor, chosen from the connection in use.

Every backend ranks the same way, with work bounded whatever the query:

- a probe reads the ids of at most EXACT_RANKING + 1 matches (no ranking, no sort);
- up to EXACT_RANKING matches, all of them are ranked by relevance (FTS5's bm25 on
  SQLite, ts_rank_cd on PostgreSQL; title above porteur and summary above the rest);
- past that (a very common word: ranking tens of thousands of rows costs hundreds of
  milliseconds and says little), the matches in a title or porteur name come first, then
  the others, newest first in each group, read only as far as the limit asks.
"""

from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

EXACT_RANKING = 200


def backend() -> ModuleType:
    if connection.vendor == "sqlite":
        from pepites.search.backends import sqlite

        return sqlite
    if connection.vendor == "postgresql":
        from pepites.search.backends import postgresql

        return postgresql
    raise ImproperlyConfigured(f"Search is not available on {connection.vendor}.")


def by_score(scores: list[tuple[int, float]], *, higher_is_better: bool) -> list[int]:
    """Ids by score, the newest first among equals."""
    sign = -1 if higher_is_better else 1
    return [pk for pk, _score in sorted(scores, key=lambda row: (sign * row[1], -row[0]))]


def names_first(names: list[int], newest: list[int], limit: int | None) -> list[int]:
    seen = set(names)
    ids = names + [pk for pk in newest if pk not in seen]
    return ids if limit is None else ids[:limit]
