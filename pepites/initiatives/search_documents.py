"""Initiatives in the search engine: the documents they give, and how to (re)index them.

Every writer of initiatives (services, moderation, imports, demo, deletion) calls
`index_initiatives` or `unindex_initiatives`: a document's `public` flag follows the
status, so a change of state is a change of the document.
"""

from collections.abc import Iterable, Iterator

from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.search.documents import SearchDocument
from pepites.search.services import rebuild_index, reindex, remove_documents
from pepites.search.text import compound

KIND = "initiative"
# Read from the database a slice at a time (bounded memory for a rebuild).
CHUNK = 2_000

_FIELDS = (
    "pk",
    "status",
    "title",
    "porteur_name",
    "summary",
    "context",
    "actions",
    "results",
    "replication",
    "partners",
    "commune__name",
    "commune__departement_id",
    "commune__departement__name",
    "centre__name",
)


def _document(row: tuple) -> SearchDocument:
    (pk, status, title, porteur, summary, *body, commune, dep_code, dep_name, centre) = row
    # Names: who carries it, the referent centre, where it is. The département's name is
    # one word when it has several ("Seine-Saint-Denis": seinesaintdenis) so that a search
    # for the commune of Saint-Denis does not find the whole département (see text.compound).
    names = " ".join(filter(None, (porteur, centre, commune, dep_code, compound(dep_name or ""))))
    return SearchDocument(
        kind=KIND,
        id=pk,
        public=status == InitiativeStatus.PUBLISHED,
        title=title,
        names=names,
        summary=summary,
        body="\n".join(body),
    )


def initiative_documents(ids: list[int] | None) -> Iterator[SearchDocument]:
    """The documents of these initiatives (those that exist), or of all with None."""
    queryset = Initiative.objects.order_by("pk").values_list(*_FIELDS)
    if ids is None:
        for row in queryset.iterator(chunk_size=CHUNK):
            yield _document(row)
        return
    for start in range(0, len(ids), CHUNK):
        for row in queryset.filter(pk__in=ids[start : start + CHUNK]):
            yield _document(row)


def index_initiatives(*, ids: Iterable[int] | None = None) -> int:
    """(Re)index these initiatives after a write (those that no longer exist are dropped),
    or all of them with None."""
    if ids is None:
        return rebuild_index(kind=KIND)[KIND]
    return reindex(kind=KIND, ids=ids)


def unindex_initiatives(*, ids: Iterable[int]) -> int:
    return remove_documents(kind=KIND, ids=ids)
