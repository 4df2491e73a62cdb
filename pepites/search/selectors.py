"""Reads of the search domain: find initiatives by words, best first."""

from types import ModuleType

from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.search.backends import backend
from pepites.search.text import QueryWord, allowed_typos, best_correction, parse_query, word_forms

# Past this many ids, the existing (published) ones are read whole rather than looked up.
LOOKUP_MAX = 500


def search_initiative_ids(
    *, query: str, limit: int | None = None, published_only: bool = True
) -> list[int]:
    """Ids of the initiatives matching every word of `query`, most relevant first.

    Accents, case, plural and word forms do not matter. When nothing matches, the words
    of the query one or two typos away from a word of a title, porteur or commune are
    corrected and the search is run again. An empty or unusable query gives [], never an
    error. `limit=None` returns every match (how far the ranking goes: see
    pepites.search.backends).
    """
    words = parse_query(query)
    if not words or (limit is not None and limit <= 0):
        return []
    engine = backend()
    ids = _search(engine, words, limit, published_only)
    if ids:
        return ids
    corrected = _corrected(words, engine)
    return _search(engine, corrected, limit, published_only) if corrected else []


def _search(
    engine: ModuleType, words: list[QueryWord], limit: int | None, published_only: bool
) -> list[int]:
    if limit is None:
        return _kept(engine.ranked_ids(words=words, limit=None), published_only)
    # The index knows neither states nor deletions: ask for a few more than the limit, and
    # more again in the rare case where drafts took their places.
    fetch = limit + limit // 4 + 10
    while True:
        ids = engine.ranked_ids(words=words, limit=fetch)
        found = _kept(ids, published_only)
        if len(found) >= limit or len(ids) < fetch:
            return found[:limit]
        fetch *= 4


def _kept(ids: list[int], published_only: bool) -> list[int]:
    """The ids of initiatives that exist (and are published), in the same order."""
    initiatives = Initiative.objects.all()
    if len(ids) > LOOKUP_MAX:
        if published_only:
            initiatives = initiatives.filter(status=InitiativeStatus.PUBLISHED)
        keep = set(initiatives.values_list("pk", flat=True).iterator())
    else:
        # By primary key, the state read from the row (through an index on the state,
        # SQLite would read every published initiative).
        keep = {
            pk
            for pk, status in initiatives.filter(pk__in=ids).values_list("pk", "status")
            if status == InitiativeStatus.PUBLISHED or not published_only
        }
    return [pk for pk in ids if pk in keep]


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


def search_initiatives(*, query: str, limit: int = 50) -> list[Initiative]:
    """The published initiatives matching `query`, most relevant first."""
    ids = search_initiative_ids(query=query, limit=limit)
    found = (
        Initiative.objects.filter(pk__in=ids)
        .select_related("commune", "principal_theme", "centre")
        .in_bulk()
    )
    return [
        found[pk]
        for pk in ids
        if pk in found and found[pk].status == InitiativeStatus.PUBLISHED  # (saved meanwhile)
    ]
