"""Reads of the search domain: find initiatives by words, best first."""

from types import ModuleType

from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.search.backends import backend
from pepites.search.text import QueryWord, allowed_typos, best_correction, parse_query, word_forms

# Past this many ids, the published ones are read whole rather than looked up.
PUBLISHED_LOOKUP_CHUNK = 500


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
    if not published_only:
        return engine.ranked_ids(words=words, limit=limit)
    if limit is None:
        return _published(engine.ranked_ids(words=words, limit=None))
    # The index does not know the states: ask for a few more than the limit, and more
    # again in the rare case where drafts took their place.
    fetch = limit + limit // 4 + 10
    while True:
        ids = engine.ranked_ids(words=words, limit=fetch)
        found = _published(ids)
        if len(found) >= limit or len(ids) < fetch:
            return found[:limit]
        fetch *= 4


def _published(ids: list[int]) -> list[int]:
    """The published ones among `ids`, in the same order."""
    published = InitiativeStatus.PUBLISHED
    if len(ids) > PUBLISHED_LOOKUP_CHUNK:
        keep = set(
            Initiative.objects.filter(status=published).values_list("pk", flat=True).iterator()
        )
    else:
        # By primary key, status read from the row (an index on status would be slower).
        keep = {
            pk
            for pk, status in Initiative.objects.filter(pk__in=ids).values_list("pk", "status")
            if status == published
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
        Initiative.objects.filter(pk__in=ids, status=InitiativeStatus.PUBLISHED)
        .select_related("commune", "principal_theme", "centre")
        .in_bulk()
    )
    return [found[pk] for pk in ids if pk in found]
