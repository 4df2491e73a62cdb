"""SQLite search: an FTS5 table of French stems computed in Python (see pepites.search.text).

`search_fts` (rowid = the document's key, see pepites.search.documents: kind, id and
visibility in one integer) holds the stems of four columns, weighted by bm25: title 10,
names 4, summary 4, body 1. A kind is a range of rowids, which FTS5 seeks directly; the
visibility is the rowid's lowest bit, tested on the matches without reading any row.
`search_fts` ranks (bm25) the matches when they are few. Two contentless tables without
positions (`detail=none`: a word's list of rows is a fraction of the size) find the
matches: `search_match` holds every stem of a document, `search_names` the title and names
stems alone, for the matches that come first past the ranking window. They are told what
to forget from the text kept by the first table.
`search_lexicon_variant` is the typo index of the words of titles and names: each word
under itself and under each of its one-letter deletions, so that the words one edit away
from a query word are found by an indexed lookup of its own deletions.
"""

from collections.abc import Iterable, Iterator, Sequence

from django.db import connection

from pepites.search import backends
from pepites.search.backends import by_score, names_first
from pepites.search.documents import MAX_ID, SearchDocument, document_key, key_id, kind_range
from pepites.search.text import QueryWord, document_terms, lexicon_words

FTS_TABLE = "search_fts"
MATCH_TABLE = "search_match"
NAMES_TABLE = "search_names"
LEXICON_TABLE = "search_lexicon_variant"
BM25 = f"bm25({FTS_TABLE}, 10.0, 4.0, 4.0, 1.0)"
# Stay far below SQLite's limit on bound parameters.
CHUNK = 500
# Past this many ids, they are read as one string (see _newest).
ONE_STRING_FROM = 1_000


def _chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _batches(documents: Iterable[SearchDocument]) -> Iterator[list[SearchDocument]]:
    batch: list[SearchDocument] = []
    for document in documents:
        batch.append(document)
        if len(batch) == backends.BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _and(words: list[QueryWord]) -> str:
    return " AND ".join(
        "(" + " OR ".join(f'"{stem}"' for stem in word.stems) + ")" for word in words if word.stems
    )


def match_expression(words: list[QueryWord], alternatives: Sequence[list[QueryWord]] = ()) -> str:
    """An FTS5 query ANDing the words, each as an OR of its stems; or any alternative.

    The stems hold letters and digits only and are quoted, so no FTS5 operator or
    column name can come from the user.
    """
    if not alternatives:
        return _and(words)
    return " OR ".join(f"({_and(option)})" for option in (words, *alternatives))


def _where(table: str, kind: str, public_only: bool) -> tuple[str, list]:
    low, high = kind_range(kind)
    visible = " AND (rowid & 1) = 1" if public_only else ""
    return f"{table} MATCH %s AND rowid BETWEEN %s AND %s{visible}", [low, high]


def _newest(
    table: str, expression: str, kind: str, public_only: bool, limit: int | None
) -> list[int]:
    """Ids of the newest matches, newest first (FTS5 reads its index in rowid order)."""
    where, params = _where(table, kind, public_only)
    ids = f"(rowid >> 1) & {MAX_ID}"
    with connection.cursor() as cursor:
        if limit is None or limit > ONE_STRING_FROM:
            # Tens of thousands of matches (a common word): one string, split in Python, costs
            # a fraction of as many rows read one by one through the driver.
            cursor.execute(
                f"SELECT group_concat(id) FROM (SELECT {ids} AS id FROM {table} WHERE {where} "
                "ORDER BY rowid DESC LIMIT %s)",
                [expression, *params, -1 if limit is None else limit],
            )
            text = cursor.fetchone()[0]
            return list(map(int, text.split(","))) if text else []
        cursor.execute(
            f"SELECT {ids} FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT %s",
            [expression, *params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def ranked_ids(
    *,
    words: list[QueryWord],
    kind: str,
    limit: int | None,
    public_only: bool,
    alternatives: Sequence[list[QueryWord]] = (),
) -> list[int]:
    """Matching ids of `kind`, most relevant first; see pepites.search.backends."""
    expression = match_expression(words, alternatives)
    probe = _newest(MATCH_TABLE, expression, kind, public_only, backends.EXACT_RANKING + 1)
    if len(probe) <= backends.EXACT_RANKING:
        if len(probe) <= 1:
            return probe[:limit] if limit is not None else probe
        where, params = _where(FTS_TABLE, kind, public_only)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {BM25} FROM {FTS_TABLE} WHERE {where}", [expression, *params]
            )
            ids = by_score(
                [(key_id(key), score) for key, score in cursor.fetchall()],
                higher_is_better=False,
            )
        return ids if limit is None else ids[:limit]
    names = _newest(NAMES_TABLE, expression, kind, public_only, limit)
    return names_first(names, _newest(MATCH_TABLE, expression, kind, public_only, limit), limit)


def count(
    *,
    words: list[QueryWord],
    kind: str,
    public_only: bool,
    alternatives: Sequence[list[QueryWord]] = (),
) -> int:
    where, params = _where(MATCH_TABLE, kind, public_only)
    expression = match_expression(words, alternatives)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {MATCH_TABLE} WHERE {where}", [expression, *params])
        return cursor.fetchone()[0]


def _lexicon_entries(words: Iterable[str]) -> Iterator[tuple[str, str]]:
    for word in words:
        yield word, word
        for position in range(len(word)):
            yield word[:position] + word[position + 1 :], word


def _last_key(kind: str) -> int:
    low, high = kind_range(kind)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE rowid BETWEEN %s AND %s "
            "ORDER BY rowid DESC LIMIT 1",
            [low, high],
        )
        row = cursor.fetchone()
    return row[0] if row else low


def index(*, documents: Iterable[SearchDocument], bulk: bool = False) -> int:
    """(Re)index documents; `bulk`: the index holds none of them (a rebuild after clear)."""
    count = 0
    lexicon: set[str] = set()
    insert_documents = (
        f"INSERT INTO {FTS_TABLE} (rowid, title, names, summary, body) VALUES (%s, %s, %s, %s, %s)"
    )
    insert_names = f"INSERT INTO {NAMES_TABLE} (rowid, names) VALUES (%s, %s)"
    insert_match = f"INSERT INTO {MATCH_TABLE} (rowid, terms) VALUES (%s, %s)"
    last_keys: dict[str, int] = {}
    with connection.cursor() as cursor:
        for batch in _batches(documents):
            rows, names, matches = [], [], []
            stale: dict[str, list[int]] = {}
            for document in batch:
                key = document_key(document.kind, document.id, document.public)
                if not bulk:
                    if document.kind not in last_keys:
                        last_keys[document.kind] = _last_key(document.kind)
                    if key >> 1 <= last_keys[document.kind] >> 1:  # (new ids: nothing there)
                        stale.setdefault(document.kind, []).append(document.id)
                row = (
                    key,
                    document_terms(document.title),
                    document_terms(document.names),
                    document_terms(document.summary),
                    document_terms(document.body),
                )
                rows.append(row)
                names.append((key, _names_text(*row[1:])))
                matches.append((key, _match_text(*row[1:])))
                lexicon |= lexicon_words(document.title, document.names)
            for kind, ids in stale.items():
                remove(kind=kind, ids=ids)
            cursor.executemany(insert_documents, rows)
            cursor.executemany(insert_names, names)
            cursor.executemany(insert_match, matches)
            count += len(rows)
        cursor.executemany(
            f"INSERT OR IGNORE INTO {LEXICON_TABLE} (variant, word) VALUES (%s, %s)",
            list(_lexicon_entries(sorted(lexicon))),
        )
    return count


def _names_text(title: str, names: str, summary: str, body: str) -> str:
    return f"{title} {names}"


def _match_text(title: str, names: str, summary: str, body: str) -> str:
    return f"{title} {names} {summary} {body}"


def _remove_rows(cursor, where: str, params: list) -> int:
    """Out of the three tables: the contentless ones are told the text they indexed, read
    from the first (FTS5's 'delete' command)."""
    cursor.execute(
        f"SELECT rowid, title, names, summary, body FROM {FTS_TABLE} WHERE {where}", params
    )
    found = cursor.fetchall()
    if not found:
        return 0
    for table, column, text in (
        (NAMES_TABLE, "names", _names_text),
        (MATCH_TABLE, "terms", _match_text),
    ):
        cursor.executemany(
            f"INSERT INTO {table} ({table}, rowid, {column}) VALUES ('delete', %s, %s)",
            [(key, text(*fields)) for key, *fields in found],
        )
    cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE {where}", params)
    return len(found)


def remove(*, kind: str, ids: list[int]) -> int:
    keys = [document_key(kind, pk, public) for pk in ids for public in (False, True)]
    removed = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(keys):
            removed += _remove_rows(cursor, f"rowid IN ({_placeholders(len(chunk))})", chunk)
    return removed


def clear(*, kind: str | None) -> None:
    """Empty the index of one kind, or all of it (the typo lexicon too) with None."""
    with connection.cursor() as cursor:
        if kind is None:
            for table in (FTS_TABLE, LEXICON_TABLE):
                cursor.execute(f"DELETE FROM {table}")
            for table in (NAMES_TABLE, MATCH_TABLE):
                cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
            return
        _remove_rows(cursor, "rowid BETWEEN %s AND %s", list(kind_range(kind)))


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
