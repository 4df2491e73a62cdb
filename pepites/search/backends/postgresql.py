"""PostgreSQL search: French text search on unaccented text, pg_trgm for typos.

`search_document` holds, per initiative, a weighted tsvector built with
`to_tsvector('french', unaccent(...))`: title A, porteur and summary B, the rest C.
`search_name` holds the title and porteur alone, narrow, for the matches that come first
past the ranking window. `search_lexicon` holds the words of titles, porteurs and
communes with a trigram index, for typo correction. GIN indexes on all three.
"""

import json
import time

from django.db import connection

from pepites.initiatives.models import Initiative
from pepites.search import backends
from pepites.search.backends import by_score, names_first
from pepites.search.text import QueryWord
from pepites.territories.models import Commune

DOCUMENT_TABLE = "search_document"
NAME_TABLE = "search_name"
LEXICON_TABLE = "search_lexicon"
INITIATIVE_TABLE = Initiative._meta.db_table
COMMUNE_TABLE = Commune._meta.db_table
# ts_rank_cd weights of D, C, B, A: a title word counts ten times a word of the
# description; the rank is divided by 1 + log(length) (option 1), as bm25 does.
WEIGHTS = "{0.1, 0.1, 0.4, 1.0}"
# Past this many title and porteur matches, the newest are read by walking the ids down.
NAME_PROBE = 200
# Below this many matches (as the planner estimates them), reading them all then sorting
# is cheaper than walking the ids down past the rows that do not match: the planner's
# own choice undercounts the cost of testing a long tsvector.
WALK_DOWN_FROM = 1_000
ESTIMATE_SECONDS = 300

_VECTORS = """
     LATERAL (SELECT to_tsvector('french', unaccent(i.title)) AS title,
                     to_tsvector('french', unaccent(i.porteur_name)) AS porteur) AS n
"""
DOCUMENT_SELECT = f"""
SELECT i.id,
       setweight(n.title, 'A')
       || setweight(n.porteur || to_tsvector('french', unaccent(i.summary)), 'B')
       || setweight(to_tsvector('french', unaccent(concat_ws(' ', i.context, i.actions,
                    i.results, i.replication, i.partners, c.name))), 'C') AS document,
       n.title || n.porteur AS names
FROM {INITIATIVE_TABLE} AS i JOIN {COMMUNE_TABLE} AS c ON c.code = i.commune_id, {_VECTORS}
"""
LEXICON_SELECT = f"""
SELECT DISTINCT word
FROM {INITIATIVE_TABLE} AS i JOIN {COMMUNE_TABLE} AS c ON c.code = i.commune_id,
     regexp_split_to_table(lower(unaccent(i.title || ' ' || i.porteur_name || ' ' || c.name)),
                           '[^[:alnum:]]+') AS word
WHERE length(word) BETWEEN 4 AND 40 AND word !~ '[0-9]'
"""
# A bulk load drops the GIN indexes and builds them again after the insert: building one is
# several times faster than inserting into it row by row. Other transactions wait for the
# search tables meanwhile (a bulk load is not an everyday write).
BULK = 5_000
GIN_INDEXES = {  # as created by migration 0001
    "search_document_gin": f"{DOCUMENT_TABLE} USING gin (document)",
    "search_name_gin": f"{NAME_TABLE} USING gin (names)",
    "search_lexicon_trigram": f"{LEXICON_TABLE} USING gin (word gin_trgm_ops)",
}


def tsquery_text(words: list[QueryWord]) -> str:
    """Input of to_tsquery: the words ANDed, each as an OR of its forms.

    The forms hold letters and digits only, so no tsquery operator can come from the user;
    PostgreSQL stems them with the same configuration as the documents.
    """
    return " & ".join("(" + " | ".join(word.forms) + ")" for word in words)


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ids(sql: str, params: list) -> list[int]:
    return [row[0] for row in _rows(sql, params)]


_estimates: dict[str, tuple[float, float]] = {}  # tsquery text -> (estimate, when)


def _estimated_matches(query: str) -> float:
    """The planner's estimate of the matches, kept a few minutes (queries repeat)."""
    now = time.monotonic()
    known = _estimates.get(query)
    if known and now - known[1] < ESTIMATE_SECONDS:
        return known[0]
    (plan,) = _rows(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {DOCUMENT_TABLE} "
        "WHERE document @@ to_tsquery('french', %s)",
        [query],
    )[0]
    estimate = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]
    if len(_estimates) >= 1000:
        _estimates.clear()
    _estimates[query] = (estimate, now)
    return estimate


def _newest_documents(query: str, limit: int | None) -> list[int]:
    if limit is None or _estimated_matches(query) >= WALK_DOWN_FROM:
        sql = (
            f"SELECT initiative_id FROM {DOCUMENT_TABLE} "
            "WHERE document @@ to_tsquery('french', %s) ORDER BY initiative_id DESC LIMIT %s"
        )
    else:  # OFFSET 0 keeps the planner from walking the ids down.
        sql = (
            f"SELECT initiative_id FROM (SELECT initiative_id FROM {DOCUMENT_TABLE} "
            "WHERE document @@ to_tsquery('french', %s) OFFSET 0) AS matches "
            "ORDER BY initiative_id DESC LIMIT %s"
        )
    return _ids(sql, [query, limit])


def _newest_names(query: str, limit: int | None) -> list[int]:
    """Title and porteur matches, newest first: all of them read when they are few, else
    the newest by walking the ids down (quick only when names match often); one query."""
    rows = _rows(
        f"""
        WITH probe AS (SELECT initiative_id FROM {NAME_TABLE}
                       WHERE names @@ to_tsquery('french', %(q)s) LIMIT %(probe)s)
        SELECT initiative_id FROM probe WHERE (SELECT count(*) FROM probe) < %(probe)s
        UNION ALL
        (SELECT initiative_id FROM {NAME_TABLE}
         WHERE names @@ to_tsquery('french', %(q)s)
           AND (SELECT count(*) FROM probe) >= %(probe)s
         ORDER BY initiative_id DESC LIMIT %(limit)s)
        """,
        {"q": query, "probe": NAME_PROBE + 1, "limit": limit},
    )
    ids = sorted((row[0] for row in rows), reverse=True)
    return ids if limit is None else ids[:limit]


def ranked_ids(*, words: list[QueryWord], limit: int | None) -> list[int]:
    """Matching ids (drafts included), most relevant first; see pepites.search.backends."""
    query = tsquery_text(words)
    # Up to EXACT_RANKING + 1 matches, ranked only when they are not more than that.
    rows = _rows(
        f"""
        WITH probe AS (SELECT initiative_id FROM {DOCUMENT_TABLE}
                       WHERE document @@ to_tsquery('french', %(q)s) LIMIT %(probe)s)
        SELECT p.initiative_id,
               CASE WHEN (SELECT count(*) FROM probe) < %(probe)s THEN
                   (SELECT ts_rank_cd('{WEIGHTS}', d.document, to_tsquery('french', %(q)s), 1)
                    FROM {DOCUMENT_TABLE} AS d WHERE d.initiative_id = p.initiative_id)
               END
        FROM probe AS p
        """,
        {"q": query, "probe": backends.EXACT_RANKING + 1},
    )
    if len(rows) <= backends.EXACT_RANKING:
        ids = by_score(rows, higher_is_better=True)
        return ids if limit is None else ids[:limit]
    names = _newest_names(query, limit)
    return names_first(names, _newest_documents(query, limit), limit)


def index(*, ids: list[int] | None) -> int:
    bulk = ids is None or len(ids) >= BULK
    where = "" if ids is None else "WHERE i.id = ANY(%s)"
    params = [] if ids is None else [ids]
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(f"TRUNCATE {DOCUMENT_TABLE}, {NAME_TABLE}, {LEXICON_TABLE}")
        else:
            remove(ids=ids)  # also drops the initiatives that no longer exist
        if bulk:
            for name in GIN_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        # One statement: the vectors are computed once for both tables.
        cursor.execute(
            f"WITH vectors AS ({DOCUMENT_SELECT} {where}), "
            f"documents AS (INSERT INTO {DOCUMENT_TABLE} (initiative_id, document) "
            "SELECT id, document FROM vectors), "
            f"lexicon AS (INSERT INTO {LEXICON_TABLE} (word) {LEXICON_SELECT} "
            f"{'' if ids is None else 'AND i.id = ANY(%s)'} ON CONFLICT DO NOTHING) "
            f"INSERT INTO {NAME_TABLE} (initiative_id, names) SELECT id, names FROM vectors",
            params * 2,
        )
        count = cursor.rowcount
        if bulk:
            for name, definition in GIN_INDEXES.items():
                cursor.execute(f"CREATE INDEX {name} ON {definition} WITH (fastupdate = off)")
            # Fresh statistics, or the planner guesses and may scan a whole table.
            cursor.execute(f"ANALYZE {DOCUMENT_TABLE}, {NAME_TABLE}, {LEXICON_TABLE}")
        return count


def remove(*, ids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH names AS (DELETE FROM {NAME_TABLE} WHERE initiative_id = ANY(%s)) "
            f"DELETE FROM {DOCUMENT_TABLE} WHERE initiative_id = ANY(%s)",
            [ids, ids],
        )
        return cursor.rowcount


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
