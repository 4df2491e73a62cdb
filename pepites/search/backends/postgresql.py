"""PostgreSQL search: French text search on unaccented text, pg_trgm for typos.

`search_document` holds, per initiative, a weighted tsvector built with
`to_tsvector('french', unaccent(...))` (title A, porteur and summary B, the rest C) and a
second one of the title and porteur alone (the candidates that come first when a query
matches too much to rank everything); both have a GIN index. `search_lexicon` holds the
words of titles, porteurs and communes with a trigram index, for typo correction.
"""

from django.db import connection

from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.search import backends
from pepites.search.backends import merge_ranked
from pepites.search.text import QueryWord
from pepites.territories.models import Commune

DOCUMENT_TABLE = "search_document"
LEXICON_TABLE = "search_lexicon"
INITIATIVE_TABLE = Initiative._meta.db_table
COMMUNE_TABLE = Commune._meta.db_table
# Weights of D, C, B, A: a title word counts ten times a word of the description.
RANK = "ts_rank_cd('{0.1, 0.1, 0.4, 1.0}', c.document, to_tsquery('french', %s), 1)"

DOCUMENT_SELECT = f"""
SELECT i.id,
       setweight(to_tsvector('french', unaccent(i.title)), 'A')
       || setweight(to_tsvector('french', unaccent(i.porteur_name || ' ' || i.summary)), 'B')
       || setweight(to_tsvector('french', unaccent(concat_ws(' ', i.context, i.actions,
                    i.results, i.replication, i.partners, c.name))), 'C'),
       to_tsvector('french', unaccent(i.title || ' ' || i.porteur_name))
FROM {INITIATIVE_TABLE} AS i JOIN {COMMUNE_TABLE} AS c ON c.code = i.commune_id
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


def _matches(
    query: str, *, column: str, published_only: bool, limit: int | None, below: int | None = None
) -> list[tuple[int, float]]:
    """The newest `limit` matches (id, rank: higher is better), newest first."""
    where = [f"d.{column} @@ to_tsquery('french', %s)"]
    params: list = [query]
    if published_only:
        where.append("i.status = %s")
        params.append(InitiativeStatus.PUBLISHED)
    if below is not None:
        where.append("d.initiative_id < %s")
        params.append(below)
    join = f"JOIN {INITIATIVE_TABLE} AS i ON i.id = d.initiative_id" if published_only else ""
    # The rank is computed outside the LIMIT, on the candidates only.
    sql = f"""
        SELECT c.initiative_id, {RANK if limit is not None else "0"}
        FROM (SELECT d.initiative_id, d.document FROM {DOCUMENT_TABLE} AS d {join}
              WHERE {" AND ".join(where)}
              ORDER BY d.initiative_id DESC LIMIT %s) AS c
        ORDER BY c.initiative_id DESC
    """
    params.append(limit)
    if limit is not None:
        params.insert(0, query)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def search(*, words: list[QueryWord], limit: int | None, published_only: bool) -> list[int]:
    cap = backends.CANDIDATES
    query = tsquery_text(words)
    matches = _matches(query, column="document", published_only=published_only, limit=cap + 1)
    capped = len(matches) > cap
    names: list[tuple[int, float]] = []
    if capped:
        matches = matches[:cap]
        names = _matches(query, column="names", published_only=published_only, limit=cap)
    ids = merge_ranked(names=names, matches=matches, capped=capped, higher_is_better=True)
    if capped and (limit is None or limit > len(ids)):
        # Past the ranked candidates, the other matches follow newest first, unranked.
        seen = set(ids)
        rest = _matches(
            query,
            column="document",
            published_only=published_only,
            limit=None,
            below=matches[-1][0],
        )
        ids += [pk for pk, _rank in rest if pk not in seen]
    return ids if limit is None else ids[:limit]


def index(*, ids: list[int] | None) -> int:
    upsert = (
        "ON CONFLICT (initiative_id) DO UPDATE "
        "SET document = EXCLUDED.document, names = EXCLUDED.names"
    )
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(f"DELETE FROM {DOCUMENT_TABLE}")
            cursor.execute(f"DELETE FROM {LEXICON_TABLE}")
            cursor.execute(
                f"INSERT INTO {DOCUMENT_TABLE} (initiative_id, document, names) {DOCUMENT_SELECT}"
            )
            count = cursor.rowcount
            cursor.execute(f"INSERT INTO {LEXICON_TABLE} (word) {LEXICON_SELECT}")
            return count
        remove(ids=ids)  # also drops the initiatives that no longer exist
        cursor.execute(
            f"INSERT INTO {DOCUMENT_TABLE} (initiative_id, document, names) "
            f"{DOCUMENT_SELECT} WHERE i.id = ANY(%s) {upsert}",
            [ids],
        )
        count = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {LEXICON_TABLE} (word) {LEXICON_SELECT} AND i.id = ANY(%s) "
            "ON CONFLICT DO NOTHING",
            [ids],
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
