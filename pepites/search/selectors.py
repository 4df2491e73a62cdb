"""Reads of the search engine: ids of one kind (or of several) matching words, best first.

The index holds each document's visibility: no read of the owners' tables here.
"""

from collections.abc import Sequence
from types import ModuleType

from pepites.search.backends import backend
from pepites.search.cache import per_data_version
from pepites.search.documents import SearchGroup
from pepites.search.text import (
    QueryWord,
    allowed_typos,
    best_correction,
    compound_alternatives,
    parse_query,
    word_forms,
)

__all__ = ["SearchGroup", "search_ids", "search_kinds"]


def search_ids(
    *, query: str, kind: str, limit: int | None = None, public_only: bool = True
) -> list[int]:
    """Ids of the documents of `kind` matching every word of `query`, most relevant first.

    Accents, case, plural and word forms do not matter. When nothing matches, the words
    of the query one or two typos away from a word of a title or a name are corrected and
    the search is run again. An empty or unusable query gives [], never an error.
    `limit=None` returns every match (how far the ranking goes: see
    pepites.search.backends). `public_only`: the documents visible to anonymous visitors.
    """
    words = parse_query(query)
    if not words or (limit is not None and limit <= 0):
        return []
    if public_only:  # what anonymous visitors see: kept per data version
        return per_data_version(
            ("ids", kind, limit, [w.forms for w in words]),
            lambda: _search_ids(words, kind, limit, public_only),
        )
    return _search_ids(words, kind, limit, public_only)


def _search_ids(
    words: list[QueryWord], kind: str, limit: int | None, public_only: bool
) -> list[int]:
    engine = backend()
    ids = _ranked(engine, words, kind, limit, public_only)
    if ids:
        return ids
    corrected = _corrected(words, engine)
    return _ranked(engine, corrected, kind, limit, public_only) if corrected else []


def _ranked(
    engine: ModuleType, words: list[QueryWord], kind: str, limit: int | None, public_only: bool
) -> list[int]:
    return engine.ranked_ids(
        words=words,
        kind=kind,
        limit=limit,
        public_only=public_only,
        alternatives=compound_alternatives(words),
    )


def search_kinds(
    *, query: str, kinds: Sequence[str], limit: int = 10, public_only: bool = True
) -> dict[str, SearchGroup]:
    """For a unified search box: per kind, its best `limit` ids and its number of matches.

    Typos are corrected (as in search_ids) when no kind has a match.
    """
    words = parse_query(query)
    if not words or limit <= 0:
        return {kind: SearchGroup() for kind in kinds}
    if public_only:
        return per_data_version(
            ("kinds", tuple(kinds), limit, [w.forms for w in words]),
            lambda: _search_kinds(words, kinds, limit, public_only),
        )
    return _search_kinds(words, kinds, limit, public_only)


def _search_kinds(
    words: list[QueryWord], kinds: Sequence[str], limit: int, public_only: bool
) -> dict[str, SearchGroup]:
    engine = backend()
    groups = {kind: _group(engine, words, kind, limit, public_only) for kind in kinds}
    if any(group.total for group in groups.values()):
        return groups
    corrected = _corrected(words, engine)
    if not corrected:
        return groups
    return {kind: _group(engine, corrected, kind, limit, public_only) for kind in kinds}


def _group(
    engine: ModuleType, words: list[QueryWord], kind: str, limit: int, public_only: bool
) -> SearchGroup:
    ids = _ranked(engine, words, kind, limit, public_only)
    if len(ids) < limit:
        return SearchGroup(ids=ids, total=len(ids))
    total = engine.count(
        words=words, kind=kind, public_only=public_only, alternatives=compound_alternatives(words)
    )
    return SearchGroup(ids=ids, total=total)


def _corrected(words: list[QueryWord], engine: ModuleType) -> list[QueryWord] | None:
    """The query with its unknown words replaced by their nearest known word, if any."""
    suspects = [w for w in words if allowed_typos(w.word)]
    known = engine.known_words(sorted({form for w in suspects for form in w.forms}))
    corrected, changed = [], False
    for word in words:
        replacement = None
        if word in suspects and not known.intersection(word.forms):
            replacement = best_correction(word.word, engine.lexicon_candidates(word.word))
        if replacement:
            corrected.append(QueryWord(word=replacement, forms=word_forms(replacement)))
            changed = True
        else:
            corrected.append(word)
    return corrected if changed else None
