"""PostgreSQL search: French text search on unaccented text, pg_trgm for typos.

`search_document` holds, per initiative, a weighted tsvector built with
`to_tsvector('french', unaccent(...))` (title A, porteur and summary B, the rest C) and a
second one of the title and porteur alone (the candidates that come first when a query
matches too much to rank everything); both have a GIN index. `search_lexicon` holds the
words of titles, porteurs and communes with a trigram index, for typo correction.
"""

from django.db import connection

from pepites.initiatives.models import Initiative
from pepites.search import backends
from pepites.search.backends import by_score, names_first
from pepites.search.text import QueryWord
from pepites.territories.models import Commune

DOCUMENT_TABLE = "search_document"
LEXICON_TABLE = "search_lexicon"
INITIATIVE_TABLE = Initiative._meta.db_table
COMMUNE_TABLE = Commune._meta.db_table
# Weights of D, C, B, A: a title word counts ten times a word of the description.
RANK = "ts_rank_cd('{0.1, 0.1, 0.4, 1.0}', document, to_tsquery('french', %s), 1)"

DOCUMENT_SELECT = f"""
SELECT i.id,
       setweight(v.title, 'A') || setweight(v.porteur || v.summary, 'B') || setweight(v.rest, 'C'),
       v.title || v.porteur
FROM {INITIATIVE_TABLE} AS i JOIN {COMMUNE_TABLE} AS c ON c.code = i.commune_id,
     LATERAL (SELECT to_tsvector('french', unaccent(i.title)) AS title,
                     to_tsvector('french', unaccent(i.porteur_name)) AS porteur,
                     to_tsvector('french', unaccent(i.summary)) AS summary,
                     to_tsvector('french', unaccent(concat_ws(' ', i.context, i.actions,
                         i.results, i.replication, i.partners, c.name))) AS rest) AS v
"""
LEXICON_SELECT = f"""
SELECT DISTINCT word
FROM {INITIATIVE_TABLE} AS i JOIN {COMMUNE_TABLE} AS c ON c.code = i.commune_id,
     regexp_split_to_table(lower(unaccent(i.title || ' ' || i.porteur_name || ' ' || c.name)),
                           '[^[:alnum:]]+') AS word
WHERE length(word) BETWEEN 4 AND 40 AND word !~ '^[0-9]+$'
"""


def tsquery_text(words: list[QueryWord]) -> str:
    """Input of to_tsquery: the words ANDed, each as an OR of its forms.

    The forms hold letters and digits only, so no tsquery operator can come from the user;
    PostgreSQL stems them with the same configuration as the documents.
    """
    return " & ".join("(" + " | ".join(word.forms) + ")" for word in words)


def _ids(sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _newest(column: str, query: str, limit: int | None) -> list[int]:
    return _ids(
        f"SELECT initiative_id FROM {DOCUMENT_TABLE} "
        f"WHERE {column} @@ to_tsquery('french', %s) ORDER BY initiative_id DESC LIMIT %s",
        [query, limit],
    )


def ranked_ids(*, words: list[QueryWord], limit: int | None) -> list[int]:
    """Matching ids (drafts included), most relevant first; see pepites.search.backends."""
    query = tsquery_text(words)
    # No ORDER BY: the scan stops at the limit instead of reading every match.
    probe = _ids(
        f"SELECT initiative_id FROM {DOCUMENT_TABLE} "
        "WHERE document @@ to_tsquery('french', %s) LIMIT %s",
        [query, backends.EXACT_RANKING + 1],
    )
    if len(probe) <= backends.EXACT_RANKING:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT initiative_id, {RANK} FROM {DOCUMENT_TABLE} WHERE initiative_id = ANY(%s)",
                [query, probe],
            )
            ids = by_score(cursor.fetchall(), higher_is_better=True)
        return ids if limit is None else ids[:limit]
    names = _newest("names", query, limit)
    return names_first(names, _newest("document", query, limit), limit)


# From this many initiatives on, the GIN indexes are dropped and built again after the
# insert: building one is several times faster than inserting into it row by row. Other
# transactions wait for the search table meanwhile (a bulk load is not an everyday write).
BULK = 5_000
GIN_INDEXES = {  # as created by migration 0001
    "search_document_document": "document",
    "search_document_names": "names",
}


def index(*, ids: list[int] | None) -> int:
    bulk = ids is None or len(ids) >= BULK
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(f"TRUNCATE {DOCUMENT_TABLE}, {LEXICON_TABLE}")
        else:
            remove(ids=ids)  # also drops the initiatives that no longer exist
        if bulk:
            for name in GIN_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        where = "" if ids is None else "WHERE i.id = ANY(%s)"
        params = [] if ids is None else [ids]
        cursor.execute(
            f"INSERT INTO {DOCUMENT_TABLE} (initiative_id, document, names) "
            f"{DOCUMENT_SELECT} {where} "
            "ON CONFLICT (initiative_id) DO UPDATE "
            "SET document = EXCLUDED.document, names = EXCLUDED.names",
            params,
        )
        count = cursor.rowcount
        if bulk:
            for name, column in GIN_INDEXES.items():
                cursor.execute(f"CREATE INDEX {name} ON {DOCUMENT_TABLE} USING gin ({column})")
        cursor.execute(
            f"INSERT INTO {LEXICON_TABLE} (word) {LEXICON_SELECT} "
            f"{'' if ids is None else 'AND i.id = ANY(%s)'} ON CONFLICT DO NOTHING",
            params,
        )
        return count


def remove(*, ids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DOCUMENT_TABLE} WHERE initiative_id = ANY(%s)", [ids])
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
