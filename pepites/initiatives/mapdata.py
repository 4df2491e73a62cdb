"""The map's data file: every published initiative in one compact, versioned binary blob.

The browser downloads it once (revalidated with its ETag), decodes it in a Web Worker and
filters, clusters and orders it there, so that filters never refetch it and the server never
serialises initiatives per request. The file is built once per *data version* by a job
of the queue, stored precompressed in the database, and served from each app server's
memory (pepites/initiatives/mapbuild.py and mapstore.py).

Layout (little-endian), read by pepites/web/static/web/map/worker.js; specified in
docs/format-carte.md and checked by tests/initiatives/test_mapdata_golden.py:

    "PMD1"                magic
    uint32                length of the JSON header, in bytes
    header (UTF-8 JSON)   {"format", "version", "count", "scale", "noPosition", "themes",
                           "centres", "programmes", "labels", "departements", "regions", "communes",
                           "commune_departements", "commune_parents", "columns"}
    padding to 4 bytes
    columns, one after the other, each padded to 4 bytes, rows in the list's order

Multi-byte columns are stored as byte planes (all low bytes, then the next ones…): the high
bytes of nearby values repeat, so they compress far better. Columns:

    id         uint32, zigzag delta of the initiative's primary key
    lat, lon   int32, degrees × scale; NO_POSITION when the place is unknown
    theme      uint8, index of the principal theme in header.themes
    themes     uint16, bit mask of every theme (bit i = header.themes[i])
    centre     uint8, 0 = national team, else 1 + index in header.centres
    commune    uint16, index in header.communes (5 characters each); its département is
               header.commune_departements[index] (an index in header.departements, whose
               région is in header.regions), its city header.commune_parents[code] for
               the arrondissements municipaux
    flags      uint8, bit 0 in a QPV, bit 1 near a QPV (and in none), bit 2 approximate
               position, bit 3 declared as serving named QPV ("pour les quartiers"),
               bit 4 placed and outside every QPV ("hors QPV"; neither 0, 1 nor 4: not
               placed yet). Format 2 added bits 3 and 4.
    programmes uint32, bit mask of the initiative's programmes (header.programmes), format 3
    labels     uint32, bit mask of its labels, granted and derived (header.labels), format 3
"""

from __future__ import annotations

import csv
import hashlib
import json
import operator
import struct
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Max

from pepites.core.db import read_snapshot
from pepites.initiatives.labels.selectors import memberships
from pepites.initiatives.labels.selectors import signature as label_signature
from pepites.initiatives.models import (
    Initiative,
    InitiativeQpv,
    InitiativeStatus,
    QpvPlacement,
    QpvRelation,
    Theme,
)
from pepites.initiatives.selectors import LIST_ORDER, published_initiatives
from pepites.network.models import Centre

FORMAT = 3  # also in worker.js; part of the data version, so a new format rebuilds
MAGIC = b"PMD1"
SCALE = 100_000  # 1e-5 degree, about a metre: the precision of the stored points
NO_POSITION = -(2**31)
FLAG_IN_QPV, FLAG_NEAR_QPV, FLAG_APPROXIMATE, FLAG_FOR_QPV, FLAG_OUTSIDE_QPV = 1, 2, 4, 8, 16
MAX_THEMES = 16  # the theme mask is 16 bits
MAX_SET = 32  # the programme and label masks are 32 bits (format 3)
DEPARTEMENT_CENTRES_FILE = (
    Path(__file__).resolve().parent.parent / "territories" / "data" / "departement_centres.csv"
)


# --- Encoding -------------------------------------------------------------------------------


def _planes(values: array) -> bytes:
    """The bytes of `values` regrouped by significance (all byte 0, then all byte 1…)."""
    raw = values.tobytes()
    width = values.itemsize
    if width == 1:
        return raw
    return b"".join(raw[k::width] for k in range(width))


def _pad(data: bytes, filler: bytes = b"\0") -> bytes:
    return data + filler * (-len(data) % 4)


def read_departement_centres(
    *, path: Path = DEPARTEMENT_CENTRES_FILE
) -> dict[str, tuple[float, float]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True)
class Built:
    version: str
    count: int
    raw: bytes


def _quantise(value: float) -> int:
    return round(value * SCALE)


def encode(
    *,
    version: str,
    rows: list[tuple],
    theme_links: Iterable[tuple[int, int]],
    themes: list[tuple[int, str]],
    centres: list[tuple[int, str]],
    departement_regions: dict[str, str],
    commune_parents: dict[str, str],
    departement_centres: dict[str, tuple[float, float]],
    serving_ids: Iterable[int] = (),
    programmes: tuple[list[str], Iterable[tuple[int, int]]] = ([], ()),
    labels: tuple[list[str], Iterable[tuple[int, int]]] = ([], ()),
) -> Built:
    """Encode the rows (pk, lat, lon, principal theme pk, commune code, département code,
    centre pk, qpv_relation), already in the list's order, into the blob's bytes.
    `serving_ids`: the initiatives declared as serving named QPV. `programmes`, `labels`:
    (slugs in bit order, (initiative pk, bit) pairs), as labels.selectors.memberships gives."""
    serving = set(serving_ids)
    theme_index = {pk: i for i, (pk, _slug) in enumerate(themes[:MAX_THEMES])}
    centre_index = {pk: i + 1 for i, (pk, _slug) in enumerate(centres)}
    masks: dict[int, int] = {}
    for initiative_pk, theme_pk in theme_links:
        bit = theme_index.get(theme_pk)
        if bit is not None:
            masks[initiative_pk] = masks.get(initiative_pk, 0) | (1 << bit)

    # An initiative without coordinates is shown at its commune: the centre of the commune's
    # located initiatives, else the prefecture of its département (flagged approximate).
    sums: dict[str, list[float]] = {}
    for _pk, lat, lon, _t, commune, *_rest in rows:
        if lat is not None and lon is not None:
            total = sums.setdefault(commune, [0.0, 0.0, 0])
            total[0] += lat
            total[1] += lon
            total[2] += 1

    departements = sorted({row[5] for row in rows})
    departement_index = {code: i for i, code in enumerate(departements)}
    commune_departements = {row[4]: row[5] for row in rows}
    communes = sorted(commune_departements)
    commune_index = {code: i for i, code in enumerate(communes)}

    # Column by column, in comprehensions rather than a loop appending to ten arrays: the
    # build runs after every burst of edits (mapbuild.py), on the cores of the pages.
    pks = [row[0] for row in rows]
    ids = array("I", [(d << 1) ^ (d >> 63) for d in map(operator.sub, pks, [0, *pks[:-1]])])
    approximate = [row[1] is None or row[2] is None for row in rows]

    def place(row: tuple) -> tuple[float | None, float | None]:
        located = sums.get(row[4])
        if located:
            return located[0] / located[2], located[1] / located[2]
        return departement_centres.get(row[5], (None, None))

    positions = [
        place(row) if approximated else (row[1], row[2])
        for row, approximated in zip(rows, approximate, strict=True)
    ]
    lats = array(
        "i",
        [NO_POSITION if lat is None or lon is None else _quantise(lat) for lat, lon in positions],
    )
    lons = array(
        "i",
        [NO_POSITION if lat is None or lon is None else _quantise(lon) for lat, lon in positions],
    )
    placements = {
        QpvPlacement.IN: FLAG_IN_QPV,
        QpvPlacement.NEAR: FLAG_NEAR_QPV,
        QpvPlacement.OUTSIDE: FLAG_OUTSIDE_QPV,
    }
    flags = array(
        "B",
        [
            placements.get(row[7], 0)
            | (FLAG_APPROXIMATE if approximated else 0)
            | (FLAG_FOR_QPV if row[0] in serving else 0)
            for row, approximated in zip(rows, approximate, strict=True)
        ],
    )
    principal = array("B", [theme_index.get(row[3], 255) for row in rows])
    mask = array("H", [masks.get(pk, 0) for pk in pks])
    centre = array("B", [centre_index.get(row[6], 0) for row in rows])
    commune_col = array("H", [commune_index[row[4]] for row in rows])
    programme_masks = _set_masks(programmes[1], pks)
    label_masks = _set_masks(labels[1], pks)

    columns = [
        ("id", "uint32", ids),
        ("lat", "int32", lats),
        ("lon", "int32", lons),
        ("theme", "uint8", principal),
        ("themes", "uint16", mask),
        ("centre", "uint8", centre),
        ("commune", "uint16", commune_col),
        ("flags", "uint8", flags),
        ("programmes", "uint32", programme_masks),
        ("labels", "uint32", label_masks),
    ]
    header = {
        "format": FORMAT,
        "version": version,
        "count": len(rows),
        "scale": SCALE,
        "noPosition": NO_POSITION,
        "themes": [slug for _pk, slug in themes[:MAX_THEMES]],
        "centres": [slug for _pk, slug in centres],
        "programmes": list(programmes[0][:MAX_SET]),
        "labels": list(labels[0][:MAX_SET]),
        "departements": departements,
        "regions": [departement_regions.get(code, "") for code in departements],
        "communes": "".join(communes),  # 5 characters each
        "commune_departements": [departement_index[commune_departements[c]] for c in communes],
        "commune_parents": {
            code: commune_parents[code] for code in communes if code in commune_parents
        },
        "columns": [[name, kind] for name, kind, _values in columns],
    }
    # Padded with spaces, which JSON parsers skip.
    header_bytes = _pad(json.dumps(header, separators=(",", ":")).encode(), b" ")
    parts = [MAGIC, struct.pack("<I", len(header_bytes)), header_bytes]
    parts += [_pad(_planes(values)) for _name, _kind, values in columns]
    return Built(version=version, count=len(rows), raw=b"".join(parts))


def _set_masks(links: Iterable[tuple[int, int]], row_ids: Iterable[int]) -> array:
    """One 32-bit mask per row: bit i set when the row's initiative is in set i."""
    masks: dict[int, int] = {}
    for initiative_pk, bit in links:
        if bit < MAX_SET:
            masks[initiative_pk] = masks.get(initiative_pk, 0) | (1 << bit)
    return array("I", (masks.get(pk, 0) for pk in row_ids))


def decode(raw: bytes) -> dict:
    """The blob back into Python values (for tests and checks; the browser has its own)."""
    if raw[:4] != MAGIC:
        raise ValueError("not a Pépites map data file")
    (length,) = struct.unpack_from("<I", raw, 4)
    header = json.loads(raw[8 : 8 + length])
    count, offset = header["count"], 8 + length
    formats = {"int32": "i", "uint32": "I", "uint8": "B", "uint16": "H"}
    columns: dict[str, list[int]] = {}
    for name, kind in header["columns"]:
        width = array(formats[kind]).itemsize
        size = count * width
        chunk = raw[offset : offset + size]
        interleaved = bytearray(size)
        for k in range(width):
            interleaved[k::width] = chunk[k * count : (k + 1) * count]
        columns[name] = array(formats[kind], bytes(interleaved)).tolist()
        offset += size + (-size % 4)
    ids, previous = [], 0
    for value in columns.pop("id"):
        previous += (value >> 1) ^ -(value & 1)
        ids.append(previous)
    columns["id"] = ids
    return {"header": header, "columns": columns}


# --- Reading the data -----------------------------------------------------------------------


def data_signature() -> str:
    """A short hash that changes whenever anything the blob holds may have changed.

    Indexed aggregates rather than a change log: the count and the highest key (creations,
    deletions), the latest modification (every save, and the statement of the QPV served,
    which set_served_qpvs dates), the latest QPV placement (written without touching the
    modification date), and the themes and centres themselves.
    """
    # One aggregate a query: SQLite answers a lone MAX from its index, not several.
    initiatives = Initiative.objects.order_by()
    totals = {
        "n": initiatives.count(),
        "last_pk": initiatives.aggregate(m=Max("pk"))["m"],
        "updated": initiatives.aggregate(m=Max("updated_at"))["m"],
        "placed": initiatives.aggregate(m=Max("qpv_placed_at"))["m"],
    }
    themes = list(Theme.objects.order_by("pk").values_list("pk", "slug"))
    centres = list(Centre.objects.order_by("pk").values_list("pk", "slug"))
    text = repr((FORMAT, sorted(totals.items()), themes, centres, label_signature()))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def build(*, version: str | None = None) -> Built:
    """Read every published initiative and encode the blob (one query per table, no loop)."""
    from pepites.territories.models import Commune, Departement

    with read_snapshot():
        version = version or data_signature()
        published = published_initiatives().order_by(*LIST_ORDER)
        # Read from the index "initiative_map_read" alone (no table row, no join: the
        # communes' départements come from one read of the communes).
        departement_of = dict(Commune.objects.values_list("code", "departement_id"))
        rows = [
            (pk, lat, lon, theme, commune, departement_of.get(commune), centre, qpv)
            for pk, lat, lon, theme, commune, centre, qpv in published.values_list(
                "pk",
                "latitude",
                "longitude",
                "principal_theme_id",
                "commune_id",
                "centre_id",
                "qpv_relation",
            )
        ]
        # Every link, published or not: encode() keeps those of the rows only.
        theme_links = Initiative.themes.through.objects.values_list("initiative_id", "theme_id")
        serving_ids = (
            InitiativeQpv.objects.filter(
                relation=QpvRelation.FOR, initiative__status=InitiativeStatus.PUBLISHED
            )
            .values_list("initiative_id", flat=True)
            .distinct()
        )
        themes = list(Theme.objects.order_by("position", "pk").values_list("pk", "slug"))
        centres = list(Centre.objects.order_by("slug").values_list("pk", "slug"))
        departement_regions = dict(Departement.objects.values_list("code", "region_id"))
        # The arrondissements municipaux (a few dozen): encode() keeps those in use.
        commune_parents = dict(
            Commune.objects.filter(parent__isnull=False).values_list("code", "parent_id")
        )
        return encode(
            version=version,
            rows=rows,
            theme_links=theme_links.iterator(chunk_size=20_000),
            themes=themes,
            centres=centres,
            departement_regions=departement_regions,
            commune_parents=commune_parents,
            departement_centres=_departement_centres(),
            serving_ids=serving_ids,
            programmes=memberships("programme"),
            labels=memberships("label"),
        )


_centres_cache: dict[str, tuple[float, float]] | None = None


def _departement_centres() -> dict[str, tuple[float, float]]:
    global _centres_cache
    if _centres_cache is None:
        _centres_cache = read_departement_centres()
    return _centres_cache
