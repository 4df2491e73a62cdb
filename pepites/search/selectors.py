"""Reads of the search domain: find initiatives by words, best first."""

from types import ModuleType

from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.search.backends import backend
from pepites.search.text import QueryWord, allowed_typos, best_correction, parse_query, word_forms


def search_initiative_ids(
    *, query: str, limit: int | None = None, published_only: bool = True
) -> list[int]:
    """Ids of the initiatives matching every word of `query`, most relevant first.

    Accents, case, plural and word forms do not matter. When nothing matches, the words
    of the query one or two typos away from a word of a title, porteur or commune are
    corrected and the search is run again. An empty or unusable query gives [], never an
    error. With `limit=None` every match is returned (see backends.CANDIDATES for how far
    the ranking goes).
    """
    words = parse_query(query)
    if not words or (limit is not None and limit <= 0):
        return []
    engine = backend()
    ids = engine.search(words=words, limit=limit, published_only=published_only)
    if ids:
        return ids
    corrected = _corrected(words, engine)
    if corrected is None:
        return []
    return engine.search(words=corrected, limit=limit, published_only=published_only)


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
