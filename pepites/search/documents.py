"""What the search engine indexes: documents given by the domains that own them.

The engine knows no model: a domain builds a `SearchDocument` per object it wants found
(a kind, the object's id, whether anonymous visitors may see it, and its text by weight),
hands them to `pepites.search.services.index_documents`, and registers how to build them
all again (`pepites.search.registry`). Reads return ids of one kind; the owner loads its
objects.
"""

import zlib
from dataclasses import dataclass, field

# A document's key in the index packs its kind, its id and its visibility in one integer
# (the SQLite rowid): kind code << KIND_SHIFT | id << 1 | public. A kind's documents are
# one range of keys, in id order, so "newest first" is a walk down that range.
KIND_BITS = 20
ID_BITS = 40
KIND_SHIFT = ID_BITS + 1
MAX_ID = (1 << ID_BITS) - 1


@dataclass(frozen=True)
class SearchDocument:
    kind: str  # "initiative", "resource", "event", … (short slug)
    id: int  # the owner's primary key
    public: bool  # visible to anonymous visitors (e.g. initiative published)
    title: str  # highest weight
    names: str = ""  # high weight: porteur, authors, organising centres, place names
    summary: str = ""  # medium weight
    body: str = ""  # low weight: long text (description, extracted file text …)


@dataclass(frozen=True)
class SearchGroup:
    """The best ids of one kind for a query, and how many documents of that kind match."""

    ids: list[int] = field(default_factory=list)
    total: int = 0


def kind_code(kind: str) -> int:
    """A stable number for a kind (the registry refuses two kinds with the same one)."""
    if not kind or not kind.isascii():
        raise ValueError(f"invalid search kind: {kind!r}")
    return zlib.crc32(kind.encode()) & ((1 << KIND_BITS) - 1)


def document_key(kind: str, pk: int, public: bool) -> int:
    if not 0 < pk <= MAX_ID:
        raise ValueError(f"search document id out of range: {pk}")
    return kind_code(kind) << KIND_SHIFT | pk << 1 | int(public)


def kind_range(kind: str) -> tuple[int, int]:
    """The lowest and highest keys a kind's documents can have."""
    low = kind_code(kind) << KIND_SHIFT
    return low, low + (1 << KIND_SHIFT) - 1


def key_id(key: int) -> int:
    return (key >> 1) & MAX_ID
