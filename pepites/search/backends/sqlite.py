"""SQLite search: an FTS5 table of French stems computed in Python (see pepites.search.text).

`search_initiative_fts` (rowid = initiative id) holds the stems of four columns, weighted
by bm25: title 10, porteur 4, summary 4, body 1 (description, partners, commune);
`search_initiative_names` the title and porteur stems alone, for the matches that come
first past the ranking window (a column filter on the first table would walk the long
lists of the description's words).
`search_lexicon_variant` is the typo index of the words of titles, porteurs and communes:
each word under itself and under each of its one-letter deletions, so that the words one
edit away from a query word are found by an indexed lookup of its own deletions.
"""

from collections.abc import Iterable, Iterator

from django.db import connection

from pepites.initiatives.models import Initiative
from pepites.search import backends
from pepites.search.backends import by_score, names_first
from pepites.search.text import QueryWord, document_terms, lexicon_words

FTS_TABLE = "search_initiative_fts"
NAMES_TABLE = "search_initiative_names"
LEXICON_TABLE = "search_lexicon_variant"
BM25 = f"bm25({FTS_TABLE}, 10.0, 4.0, 4.0, 1.0)"
# Stay far below SQLite's limit on bound parameters.
CHUNK = 500


def _chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def match_expression(words: list[QueryWord]) -> str:
    """An FTS5 query ANDing the words, each as an OR of its stems.

    The stems hold letters and digits only and are quoted, so no FTS5 operator or
    column name can come from the user.
    """
    return " AND ".join(
        "(" + " OR ".join(f'"{stem}"' for stem in word.stems) + ")" for word in words if word.stems
    )


def _newest(table: str, expression: str, limit: int | None) -> list[int]:
    """Ids of the newest matches, newest first (FTS5 reads its index in rowid order)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rowid DESC LIMIT %s",
            [expression, -1 if limit is None else limit],
        )
        return [row[0] for row in cursor.fetchall()]


def ranked_ids(*, words: list[QueryWord], limit: int | None) -> list[int]:
    """Matching ids (drafts included), most relevant first; see pepites.search.backends."""
    expression = match_expression(words)
    probe = _newest(FTS_TABLE, expression, backends.EXACT_RANKING + 1)
    if len(probe) <= backends.EXACT_RANKING:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {BM25} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                [expression],
            )
            ids = by_score(cursor.fetchall(), higher_is_better=False)
        return ids if limit is None else ids[:limit]
    names = _newest(NAMES_TABLE, expression, limit)
    return names_first(names, _newest(FTS_TABLE, expression, limit), limit)


def _rows(ids: list[int] | None) -> Iterator[tuple]:
    fields = (
        "pk",
        "title",
        "porteur_name",
        "summary",
        "context",
        "actions",
        "results",
        "replication",
        "partners",
        "commune__name",
    )
    queryset = Initiative.objects.order_by("pk").values_list(*fields)
    if ids is None:
        yield from queryset.iterator(chunk_size=2000)
        return
    for chunk in _chunks(ids):
        yield from queryset.filter(pk__in=chunk)


def _lexicon_entries(words: Iterable[str]) -> Iterator[tuple[str, str]]:
    for word in words:
        yield word, word
        for position in range(len(word)):
            yield word[:position] + word[position + 1 :], word


def index(*, ids: list[int] | None) -> int:
    """(Re)index `ids` (sorted), or everything with None."""
    count = 0
    lexicon: set[str] = set()
    documents: list[tuple] = []
    names: list[tuple] = []
    insert_documents = (
        f"INSERT INTO {FTS_TABLE} (rowid, title, porteur, summary, body) "
        "VALUES (%s, %s, %s, %s, %s)"
    )
    insert_names = f"INSERT INTO {NAMES_TABLE} (rowid, names) VALUES (%s, %s)"
    with connection.cursor() as cursor:
        if ids is None:
            for table in (FTS_TABLE, NAMES_TABLE, LEXICON_TABLE):
                cursor.execute(f"DELETE FROM {table}")
        elif ids[0] <= _last_indexed():  # (new initiatives: nothing to remove)
            remove(ids=ids)  # also drops the initiatives that no longer exist
        for pk, title, porteur, summary, *body, commune in _rows(ids):
            title_terms, porteur_terms = document_terms(title), document_terms(porteur)
            documents.append(
                (
                    pk,
                    title_terms,
                    porteur_terms,
                    document_terms(summary),
                    document_terms(*body, commune),
                )
            )
            names.append((pk, f"{title_terms} {porteur_terms}"))
            lexicon |= lexicon_words(title, porteur, commune)
            if len(documents) == 2000:
                cursor.executemany(insert_documents, documents)
                cursor.executemany(insert_names, names)
                count += len(documents)
                documents, names = [], []
        if documents:
            cursor.executemany(insert_documents, documents)
            cursor.executemany(insert_names, names)
            count += len(documents)
        cursor.executemany(
            f"INSERT OR IGNORE INTO {LEXICON_TABLE} (variant, word) VALUES (%s, %s)",
            list(_lexicon_entries(sorted(lexicon))),
        )
    return count


def _last_indexed() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS_TABLE} ORDER BY rowid DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def remove(*, ids: list[int]) -> int:
    removed = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            where = f"WHERE rowid IN ({_placeholders(len(chunk))})"
            cursor.execute(f"DELETE FROM {NAMES_TABLE} {where}", chunk)
            cursor.execute(f"DELETE FROM {FTS_TABLE} {where}", chunk)
            removed += cursor.rowcount
    return removed


def known_words(words: list[str]) -> set[str]:
    if not words:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word FROM {LEXICON_TABLE} "
            f"WHERE variant IN ({_placeholders(len(words))}) AND word = variant",
            words,
        )
        return {row[0] for row in cursor.fetchall()}


def lexicon_candidates(word: str) -> list[str]:
    """Lexicon words sharing `word` or one of its one-letter deletions (≤ 2 edits away)."""
    keys = sorted({variant for variant, _word in _lexicon_entries([word])})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT word FROM {LEXICON_TABLE} "
            f"WHERE variant IN ({_placeholders(len(keys))}) LIMIT 200",
            keys,
        )
        return [row[0] for row in cursor.fetchall()]
