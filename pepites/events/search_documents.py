"""Events in the search engine (kind "event"): the documents they give, indexed by every
writer of events (the services, the demonstration content). A draft is indexed as not
public: only what anonymous visitors may see is found by them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pepites.events.models import Event, EventStatus
from pepites.search.documents import SearchDocument
from pepites.search.services import rebuild_index, reindex
from pepites.search.text import compound

KIND = "event"
CHUNK = 1_000


def _document(event: Event) -> SearchDocument:
    commune = event.commune
    names = [
        *(centre.name for centre in event.centres.all()),
        event.venue,
        commune.name if commune else "",
        commune.departement_id if commune else "",
        compound(commune.departement.name) if commune else "",
        str(event.get_kind_display()),
        *(theme.label for theme in event.themes.all()),
    ]
    return SearchDocument(
        kind=KIND,
        id=event.pk,
        public=event.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED),
        title=event.title,
        names=" ".join(filter(None, names)),
        summary=" ".join(filter(None, (event.summary, event.audience))),
        body=event.description,
    )


def event_documents(ids: list[int] | None) -> Iterator[SearchDocument]:
    """The documents of these events (those that exist), or of all with None."""
    queryset = (
        Event.objects.select_related("commune__departement")
        .prefetch_related("centres", "themes")
        .order_by("pk")
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    for event in queryset.iterator(chunk_size=CHUNK):
        yield _document(event)


def index_events(*, ids: Iterable[int] | None = None) -> int:
    """(Re)index these events after a write, or all of them with None."""
    if ids is None:
        return rebuild_index(kind=KIND)[KIND]
    return reindex(kind=KIND, ids=ids)
