"""Writes of the search engine: keep the index in step with the documents of every kind.

Called explicitly by the services of the domains that own the documents (no signals), and
by `manage.py rebuild_search_index` after writes that bypass them. A document's visibility
is part of it: a change of state (publication, archiving) is indexed like any other.
"""

from collections.abc import Iterable, Iterator

from django.db import transaction

from pepites.core import dataversion
from pepites.search import registry
from pepites.search.backends import backend
from pepites.search.cache import index_changed
from pepites.search.documents import SearchDocument


def _id_list(ids: Iterable[int]) -> list[int]:
    return sorted({int(pk) for pk in ids})


@transaction.atomic(savepoint=False)  # no savepoint queries inside a caller's transaction
def index_documents(*, documents: Iterable[SearchDocument]) -> int:
    """(Re)index these documents, replacing what the index held for the same kind and id;
    returns how many were indexed."""
    count = backend().index(documents=documents)
    index_changed()
    return count


@transaction.atomic(savepoint=False)
def remove_documents(*, kind: str, ids: Iterable[int]) -> int:
    """Take these documents out of the index (their owner deleted them)."""
    id_list = _id_list(ids)
    if not id_list:
        return 0
    removed = backend().remove(kind=kind, ids=id_list)
    index_changed()
    return removed


@transaction.atomic(savepoint=False)
def reindex(*, kind: str, ids: Iterable[int]) -> int:
    """(Re)index the documents of these ids from their registered source; the ids that
    no longer exist are taken out of the index."""
    id_list = _id_list(ids)
    if not id_list:
        return 0
    found: set[int] = set()

    def documents() -> Iterator[SearchDocument]:  # streamed: a bulk insert holds no list
        for document in registry.source(kind)(id_list):
            found.add(document.id)
            yield document

    count = backend().index(documents=documents())
    missing = [pk for pk in id_list if pk not in found]
    if missing:
        backend().remove(kind=kind, ids=missing)
    index_changed()
    return count


@transaction.atomic
def rebuild_index(*, kind: str | None = None) -> dict[str, int]:
    """Build the index of one kind, or of every registered kind, from their sources."""
    kinds = [kind] if kind is not None else registry.registered_kinds()
    load = {name: registry.source(name) for name in kinds}  # unknown kind: LookupError first
    engine = backend()
    engine.clear(kind=kind)
    counts = {name: engine.index(documents=load[name](None), bulk=True) for name in kinds}
    index_changed()
    dataversion.bump()  # the answers kept per data version are stale (pepites.search.cache)
    return counts
