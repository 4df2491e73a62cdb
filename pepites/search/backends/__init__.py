"""One search backend per database vendor, chosen from the connection in use.

Every backend holds documents of any kind (see pepites.search.documents), their visibility
in the index itself, and ranks the same way, with work bounded whatever the query:

- a probe reads the ids of at most EXACT_RANKING + 1 matches of the kind (no ranking, no
  sort);
- up to EXACT_RANKING matches, all of them are ranked by relevance (FTS5's bm25 on
  SQLite, ts_rank_cd on PostgreSQL; title above names and summary above the body);
- past that (a very common word: ranking tens of thousands of rows costs hundreds of
  milliseconds and says little), the matches in a title or a name come first, then the
  others, newest (highest id) first in each group, read only as far as the limit asks.

A backend module offers: index(documents, bulk), remove(kind, ids), clear(kind),
ranked_ids(words, kind, limit, public_only), count(words, kind, public_only),
known_words(words), lexicon_candidates(word).
"""

from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

EXACT_RANKING = 200
# Documents are written in batches of this many (bounded memory for a rebuild).
BATCH = 2_000


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
