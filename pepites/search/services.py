"""Writes of the search domain: keep the index in step with the initiatives.

Called explicitly by the services that write initiatives (no signals), and by
`manage.py rebuild_search_index` after writes that bypass them.
"""

from collections.abc import Iterable

from django.db import transaction

from pepites.search.backends import backend


def _id_list(ids: Iterable[int]) -> list[int]:
    return sorted({int(pk) for pk in ids})


@transaction.atomic(savepoint=False)  # no savepoint queries inside a caller's transaction
def index_initiatives(*, ids: Iterable[int] | None = None) -> int:
    """(Re)index these initiatives, or every initiative with `ids=None`; returns the count.

    The ids of initiatives that no longer exist are dropped from the index.
    """
    if ids is None:
        return backend().index(ids=None)
    id_list = _id_list(ids)
    return backend().index(ids=id_list) if id_list else 0


@transaction.atomic(savepoint=False)
def remove_from_index(*, ids: Iterable[int]) -> int:
    """Take these initiatives out of the index (before or after deleting them)."""
    id_list = _id_list(ids)
    return backend().remove(ids=id_list) if id_list else 0
