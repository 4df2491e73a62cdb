"""How each domain builds its documents again: for `rebuild_search_index`, and to index
objects by id after writes that bypass the domain's services."""

from collections.abc import Callable, Iterable

from pepites.search.documents import SearchDocument, kind_code

Loader = Callable[[list[int] | None], Iterable[SearchDocument]]

_sources: dict[str, Loader] = {}


def register_source(*, kind: str, load: Loader) -> None:
    """Called in the owner's AppConfig.ready(): `load(None)` gives every document of `kind`,
    `load(ids)` those of these ids that exist."""
    code = kind_code(kind)
    for other in _sources:
        if other != kind and kind_code(other) == code:
            raise ValueError(f"search kinds {other!r} and {kind!r} share a code: rename one")
    _sources[kind] = load


def registered_kinds() -> list[str]:
    return sorted(_sources)


def source(kind: str) -> Loader:
    try:
        return _sources[kind]
    except KeyError:
        raise LookupError(f"no search source registered for {kind!r}") from None
