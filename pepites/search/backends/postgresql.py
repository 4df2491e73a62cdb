"""PostgreSQL search: French text search on unaccented text, pg_trgm for typos.

`search_document` holds, per document (kind, object_id), its visibility and a weighted
tsvector built with `to_tsvector('french', unaccent(...))`: title A, names B, summary C,
body D. `search_name` holds the title and names alone, narrow, for the matches that come
first past the ranking window. `search_lexicon` holds the words of titles and names with a
trigram index, for typo correction. GIN indexes on all three.
"""

import json
import time
from collections.abc import Iterable, Iterator, Sequence

from django.db import connection

from pepites.search import backends
from pepites.search.backends import by_score, names_first
from pepites.search.documents import SearchDocument
from pepites.search.text import QueryWord, lexicon_words

DOCUMENT_TABLE = "search_document"
NAME_TABLE = "search_name"
LEXICON_TABLE = "search_lexicon"
# ts_rank_cd weights of D, C, B, A: a title word counts ten times a word of the body;
# the rank is divided by 1 + log(length) (option 1), as bm25 does.
WEIGHTS = "{0.1, 0.4, 0.4, 1.0}"
# Past this many title and name matches, the newest are read by walking the ids down.
NAME_PROBE = 200
# Below this many matches (as the planner estimates them), reading them all then sorting
# is cheaper than walking the ids down past the rows that do not match: the planner's
# own choice undercounts the cost of testing a long tsvector.
WALK_DOWN_FROM = 1_000
ESTIMATE_SECONDS = 300

_INSERT = f"""
WITH given AS (
    SELECT d.*, to_tsvector('french', unaccent(d.title)) AS title_vector,
           to_tsvector('french', unaccent(d.names)) AS names_vector
    FROM unnest(%(ids)s::bigint[], %(public)s::boolean[], %(title)s::text[], %(names)s::text[],
                %(summary)s::text[], %(body)s::text[])
         AS d(object_id, public, title, names, summary, body)
),
documents AS (
    INSERT INTO {DOCUMENT_TABLE} (kind, object_id, public, document)
    SELECT %(kind)s, object_id, public,
           setweight(title_vector, 'A') || setweight(names_vector, 'B')
           || setweight(to_tsvector('french', unaccent(summary)), 'C')
           || setweight(to_tsvector('french', unaccent(body)), 'D')
    FROM given
),
lexicon AS (
    INSERT INTO {LEXICON_TABLE} (word) SELECT unnest(%(words)s::text[]) ON CONFLICT DO NOTHING
)
INSERT INTO {NAME_TABLE} (kind, object_id, public, names)
SELECT %(kind)s, object_id, public, title_vector || names_vector FROM given
"""
# A bulk load drops the GIN indexes and builds them again after the insert: building one is
# several times faster than inserting into it row by row. Other transactions wait for the
# search tables meanwhile (a bulk load is not an everyday write).
BULK = 5_000
GIN_INDEXES = {  # as created by the migrations
    "search_document_gin": f"{DOCUMENT_TABLE} USING gin (document)",
    "search_name_gin": f"{NAME_TABLE} USING gin (names)",
    "search_lexicon_trigram": f"{LEXICON_TABLE} USING gin (word gin_trgm_ops)",
}


def _and(words: list[QueryWord]) -> str:
    return " & ".join("(" + " | ".join(word.forms) + ")" for word in words)


def tsquery_text(words: list[QueryWord], alternatives: Sequence[list[QueryWord]] = ()) -> str:
    """Input of to_tsquery: the words ANDed, each as an OR of its forms; or any alternative.

    The forms hold letters and digits only, so no tsquery operator can come from the user;
    PostgreSQL stems them with the same configuration as the documents.
    """
    if not alternatives:
        return _and(words)
    return " | ".join(f"({_and(option)})" for option in (words, *alternatives))


def _rows(sql: str, params: list | dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ids(sql: str, params: list | dict) -> list[int]:
    return [row[0] for row in _rows(sql, params)]


_estimates: dict[tuple, tuple[float, float]] = {}  # (tsquery, kind) -> (estimate, when)


def _estimated_matches(query: str, kind: str) -> float:
    """The planner's estimate of the matches, kept a few minutes (queries repeat)."""
    now = time.monotonic()
    known = _estimates.get((query, kind))
    if known and now - known[1] < ESTIMATE_SECONDS:
        return known[0]
    (plan,) = _rows(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {DOCUMENT_TABLE} "
        "WHERE document @@ to_tsquery('french', %s) AND kind = %s",
        [query, kind],
    )[0]
    estimate = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]
    if len(_estimates) >= 1000:
        _estimates.clear()
    _estimates[(query, kind)] = (estimate, now)
    return estimate


def _visible(public_only: bool) -> str:
    return " AND public" if public_only else ""


def _newest_documents(query: str, kind: str, public_only: bool, limit: int | None) -> list[int]:
    where = f"document @@ to_tsquery('french', %s) AND kind = %s{_visible(public_only)}"
    if limit is not None and _estimated_matches(query, kind) >= WALK_DOWN_FROM:
        sql = (
            f"SELECT object_id FROM {DOCUMENT_TABLE} WHERE {where} "
            "ORDER BY kind DESC, object_id DESC LIMIT %s"
        )
    else:  # OFFSET 0 keeps the planner from walking the ids down.
        sql = (
            f"SELECT object_id FROM (SELECT object_id FROM {DOCUMENT_TABLE} WHERE {where} "
            "OFFSET 0) AS matches ORDER BY object_id DESC LIMIT %s"
        )
    return _ids(sql, [query, kind, limit])


def _newest_names(query: str, kind: str, public_only: bool, limit: int | None) -> list[int]:
    """Title and name matches, newest first: all of them read when they are few, else the
    newest by walking the ids down (quick only when names match often); one query."""
    where = f"names @@ to_tsquery('french', %(q)s) AND kind = %(kind)s{_visible(public_only)}"
    params = {"q": query, "kind": kind, "probe": NAME_PROBE + 1, "limit": limit}
    if limit is None:
        rows = _rows(f"SELECT object_id FROM {NAME_TABLE} WHERE {where}", params)
    else:
        rows = _rows(
            f"""
            WITH probe AS (SELECT object_id FROM {NAME_TABLE} WHERE {where} LIMIT %(probe)s)
            SELECT object_id FROM probe WHERE (SELECT count(*) FROM probe) < %(probe)s
            UNION ALL
            (SELECT object_id FROM {NAME_TABLE}
             WHERE {where} AND (SELECT count(*) FROM probe) >= %(probe)s
             ORDER BY kind DESC, object_id DESC LIMIT %(limit)s)
            """,
            params,
        )
    ids = sorted((row[0] for row in rows), reverse=True)
    return ids if limit is None else ids[:limit]


def ranked_ids(
    *,
    words: list[QueryWord],
    kind: str,
    limit: int | None,
    public_only: bool,
    alternatives: Sequence[list[QueryWord]] = (),
) -> list[int]:
    """Matching ids of `kind`, most relevant first; see pepites.search.backends."""
    query = tsquery_text(words, alternatives)
    where = f"document @@ to_tsquery('french', %(q)s) AND kind = %(kind)s{_visible(public_only)}"
    # Up to EXACT_RANKING + 1 matches, ranked only when they are not more than that.
    rows = _rows(
        f"""
        WITH probe AS (SELECT object_id FROM {DOCUMENT_TABLE} WHERE {where} LIMIT %(probe)s)
        SELECT p.object_id,
               CASE WHEN (SELECT count(*) FROM probe) < %(probe)s THEN
                   (SELECT ts_rank_cd('{WEIGHTS}', d.document, to_tsquery('french', %(q)s), 1)
                    FROM {DOCUMENT_TABLE} AS d
                    WHERE d.kind = %(kind)s AND d.object_id = p.object_id)
               END
        FROM probe AS p
        """,
        {"q": query, "kind": kind, "probe": backends.EXACT_RANKING + 1},
    )
    if len(rows) <= backends.EXACT_RANKING:
        ids = by_score(rows, higher_is_better=True)
        return ids if limit is None else ids[:limit]
    names = _newest_names(query, kind, public_only, limit)
    return names_first(names, _newest_documents(query, kind, public_only, limit), limit)


def count(
    *,
    words: list[QueryWord],
    kind: str,
    public_only: bool,
    alternatives: Sequence[list[QueryWord]] = (),
) -> int:
    (row,) = _rows(
        f"SELECT count(*) FROM {DOCUMENT_TABLE} WHERE document @@ to_tsquery('french', %s) "
        f"AND kind = %s{_visible(public_only)}",
        [tsquery_text(words, alternatives), kind],
    )
    return row[0]


def _batches(documents: Iterable[SearchDocument]) -> Iterator[list[SearchDocument]]:
    batch: list[SearchDocument] = []
    for document in documents:
        batch.append(document)
        if len(batch) == backends.BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(cursor, kind: str, batch: list[SearchDocument]) -> int:
    words: set[str] = set()
    for document in batch:
        words |= lexicon_words(document.title, document.names)
    cursor.execute(
        _INSERT,
        {
            "kind": kind,
            "ids": [d.id for d in batch],
            "public": [d.public for d in batch],
            "title": [d.title for d in batch],
            "names": [d.names for d in batch],
            "summary": [d.summary for d in batch],
            "body": [d.body for d in batch],
            "words": sorted(words),
        },
    )
    return cursor.rowcount


def index(*, documents: Iterable[SearchDocument], bulk: bool = False) -> int:
    """(Re)index documents; `bulk`: the index holds none of them (a rebuild after clear).
    Past BULK documents, the GIN indexes are dropped and built again at the end."""
    count = 0
    dropped = False
    with connection.cursor() as cursor:
        for batch in _batches(documents):
            if not dropped and (count + len(batch) >= BULK):
                for name in GIN_INDEXES:
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
                dropped = True
            by_kind: dict[str, list[SearchDocument]] = {}
            for document in batch:
                by_kind.setdefault(document.kind, []).append(document)
            for kind, kind_batch in by_kind.items():
                if not bulk:
                    remove(kind=kind, ids=[d.id for d in kind_batch])
                count += _insert(cursor, kind, kind_batch)
        if dropped:
            for name, definition in GIN_INDEXES.items():
                cursor.execute(f"CREATE INDEX {name} ON {definition} WITH (fastupdate = off)")
            # Fresh statistics, or the planner guesses and may scan a whole table.
            cursor.execute(f"ANALYZE {DOCUMENT_TABLE}, {NAME_TABLE}, {LEXICON_TABLE}")
    return count


def remove(*, kind: str, ids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH names AS (DELETE FROM {NAME_TABLE} WHERE kind = %s AND object_id = ANY(%s)) "
            f"DELETE FROM {DOCUMENT_TABLE} WHERE kind = %s AND object_id = ANY(%s)",
            [kind, ids, kind, ids],
        )
        return cursor.rowcount


def clear(*, kind: str | None) -> None:
    """Empty the index of one kind, or all of it (the typo lexicon too) with None."""
    with connection.cursor() as cursor:
        if kind is None:
            cursor.execute(f"TRUNCATE {DOCUMENT_TABLE}, {NAME_TABLE}, {LEXICON_TABLE}")
            return
        for table in (DOCUMENT_TABLE, NAME_TABLE):
            cursor.execute(f"DELETE FROM {table} WHERE kind = %s", [kind])


def known_words(words: list[str]) -> set[str]:
    if not words:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word FROM {LEXICON_TABLE} WHERE word = ANY(%s)", [words])
        return {row[0] for row in cursor.fetchall()}


def lexicon_candidates(word: str) -> list[str]:
    """Lexicon words similar to `word` by trigrams (pg_trgm's `%`, threshold 0.3)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word FROM {LEXICON_TABLE} WHERE word %% %s "
            "ORDER BY similarity(word, %s) DESC, word LIMIT 20",
            [word, word],
        )
        return [row[0] for row in cursor.fetchall()]
