"""Writes of the placement of initiatives against the QPV outlines (territories' index).

Derived data only: `Initiative.qpv_relation`, the nearest QPV and its distance, and the
computed "dans"/"proximite" rows of InitiativeQpv; never an initiative's content, version or
"modifiée le". The geometry is computed in memory by `placement.py`. Also the contributor's
statement that an initiative serves the residents of named QPV ("pour").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.core.dataversion import changes_public_data
from pepites.core.services import DatasetOrigin
from pepites.initiatives import mapstore
from pepites.initiatives.models import (
    COMPUTED_QPV_RELATIONS,
    Initiative,
    InitiativeQpv,
    QpvPlacement,
    QpvRelation,
)
from pepites.territories import services as territories_services
from pepites.territories.models import Qpv
from pepites.territories.placement import Placement, QpvIndex
from pepites.territories.qpv_files import QpvFile
from pepites.territories.qpv_lookup import (
    build_qpv_index,
    current_generation,
    placement_for_point,
)
from pepites.territories.services import QpvImportReport

BATCH_SIZE = 2000


# --- placing initiatives against the QPV ---------------------------------------------------


@dataclass(frozen=True)
class PlacementReport:
    initiatives: int
    changed: int
    by_relation: dict[str, int]
    qpv_count: int
    generation: str | None


def _placement_fields(placement: Placement | None) -> tuple[str, str, int | None]:
    if placement is None:
        return QpvPlacement.NOT_COMPUTED, "", None
    return (
        placement.relation,
        placement.nearest_code,
        round(placement.nearest_distance_m),
    )


def _links(placement: Placement | None) -> set[tuple[str, str, int]]:
    if placement is None:
        return set()
    return {(code, QpvRelation.IN, 0) for code in placement.containing} | {
        (code, QpvRelation.NEAR, round(distance)) for code, distance in placement.near
    }


def _write_placements(
    rows: list[tuple[int, float | None, float | None, str, str, int | None]],
    placements: list[Placement | None],
    now,
) -> int:
    """Write the placements that differ from what is stored; return how many did."""
    ids = [row[0] for row in rows]
    stored_links: dict[int, set[tuple[str, str, int]]] = {pk: set() for pk in ids}
    for pk, code, relation, distance in InitiativeQpv.objects.filter(
        initiative_id__in=ids, relation__in=COMPUTED_QPV_RELATIONS
    ).values_list("initiative_id", "qpv_code", "relation", "distance_m"):
        stored_links[pk].add((code, relation, distance or 0))
    updates, relinked, new_links = [], [], []
    placed_at = connection.ops.adapt_datetimefield_value(now)  # raw SQL below
    for row, placement in zip(rows, placements, strict=True):
        pk, *_point, relation, nearest, distance = row
        fields = _placement_fields(placement)
        links = _links(placement)
        if fields != (relation, nearest, distance) or links != stored_links[pk]:
            updates.append((pk, *fields))
        if links != stored_links[pk]:
            relinked.append(pk)
            new_links += [
                InitiativeQpv(initiative_id=pk, qpv_code=code, relation=rel, distance_m=d)
                for code, rel, d in sorted(links)
            ]
    if updates:
        _update_placements(updates, placed_at)
    if relinked:
        InitiativeQpv.objects.filter(
            initiative_id__in=relinked, relation__in=COMPUTED_QPV_RELATIONS
        ).delete()
        InitiativeQpv.objects.bulk_create(new_links, batch_size=BATCH_SIZE)
    return len(updates)


UPDATE_BATCH = 500


def _update_placements(updates: list[tuple], placed_at) -> None:
    """One UPDATE … FROM (VALUES …) per batch of rows, the same SQL on SQLite (3.33+) and
    PostgreSQL; raw SQL because these are derived fields: no version bump, no "modifiée le".
    """
    meta = Initiative._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    relation, nearest, distance, placed = (
        quote(meta.get_field(name).column)  # type: ignore[union-attr,arg-type]
        for name in ("qpv_relation", "nearest_qpv_code", "nearest_qpv_distance_m", "qpv_placed_at")
    )
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(updates), UPDATE_BATCH):
            batch = updates[start : start + UPDATE_BATCH]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
            # VALUES columns are named column1… on both databases; the cast types the
            # distance when a whole batch of it is NULL.
            cursor.execute(
                f"UPDATE {table} SET {relation} = v.column2, {nearest} = v.column3, "
                f"{distance} = CAST(v.column4 AS INTEGER), {placed} = %s "
                f"FROM (VALUES {values}) AS v WHERE {table}.{pk} = v.column1",
                [placed_at, *(value for row in batch for value in row)],
            )


PLACEMENT_FIELDS = (
    "pk",
    "latitude",
    "longitude",
    "qpv_relation",
    "nearest_qpv_code",
    "nearest_qpv_distance_m",
)


@transaction.atomic
@changes_public_data
def place_initiatives(
    *,
    initiative_ids: Iterable[int] | None = None,
    index: QpvIndex | None = None,
    only_unplaced: bool = False,
    chunk_size: int = 5_000,
) -> PlacementReport:
    """Place every initiative (or those given) against the current QPV outlines.

    Writes only the derived placement: `qpv_relation`, the nearest QPV and its distance,
    and the computed "dans"/"proximite" links; the contributor's "pour" links are kept.
    Only what changed is written, so running it again changes nothing. `only_unplaced`:
    the initiatives never placed yet (after a bulk insert).
    """
    generation = current_generation()
    if index is None:
        index = build_qpv_index(generation=generation)
    queryset = Initiative.objects.order_by("pk")
    if only_unplaced:
        queryset = queryset.filter(qpv_placed_at__isnull=True)
    ids = sorted(set(initiative_ids)) if initiative_ids is not None else None
    now = timezone.now()
    if not len(index):
        return _clear_placements(queryset, ids, generation)
    total = changed = 0
    for rows in _chunks(queryset, ids, chunk_size):
        placements = index.place_many([r[2] for r in rows], [r[1] for r in rows])
        changed += _write_placements(rows, placements, now)
        total += len(rows)
    return PlacementReport(
        initiatives=total,
        changed=changed,
        by_relation=_count_by_relation(),
        qpv_count=len(index),
        generation=generation,
    )


def _chunks(queryset, ids: list[int] | None, chunk_size: int):
    """Rows of PLACEMENT_FIELDS by chunks of primary keys (no giant IN list, no OFFSET)."""
    if ids is not None:
        for start in range(0, len(ids), chunk_size):
            rows = list(
                queryset.filter(pk__in=ids[start : start + chunk_size]).values_list(
                    *PLACEMENT_FIELDS
                )
            )
            if rows:
                yield rows
        return
    last_pk = 0
    while True:
        rows = list(queryset.filter(pk__gt=last_pk).values_list(*PLACEMENT_FIELDS)[:chunk_size])
        if not rows:
            return
        last_pk = rows[-1][0]
        yield rows


def _count_by_relation() -> dict[str, int]:
    return dict(
        Initiative.objects.order_by()
        .values_list("qpv_relation")
        .annotate(n=Count("pk"))
        .values_list("qpv_relation", "n")
    )


def _clear_placements(queryset, ids: list[int] | None, generation: str | None) -> PlacementReport:
    """No outline stored: nothing is placed, and earlier placements are forgotten."""
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    placed = queryset.exclude(qpv_relation=QpvPlacement.NOT_COMPUTED)
    changed = placed.update(
        qpv_relation=QpvPlacement.NOT_COMPUTED,
        nearest_qpv_code="",
        nearest_qpv_distance_m=None,
        qpv_placed_at=None,
    )
    InitiativeQpv.objects.filter(
        initiative__in=queryset, relation__in=COMPUTED_QPV_RELATIONS
    ).delete()
    return PlacementReport(
        initiatives=queryset.count(),
        changed=changed,
        by_relation=_count_by_relation(),
        qpv_count=0,
        generation=generation,
    )


@transaction.atomic
@changes_public_data
def place_initiative(*, initiative: Initiative) -> Placement | None:
    """Place one initiative just saved (created, moved, imported) and update the instance."""
    placement = None
    if initiative.latitude is not None and initiative.longitude is not None:
        placement = placement_for_point(
            longitude=initiative.longitude, latitude=initiative.latitude
        )
    row = Initiative.objects.filter(pk=initiative.pk).values_list(*PLACEMENT_FIELDS).get()
    now = timezone.now()
    if _write_placements([row], [placement], now):
        initiative.qpv_placed_at = now
    (
        initiative.qpv_relation,
        initiative.nearest_qpv_code,
        initiative.nearest_qpv_distance_m,
    ) = _placement_fields(placement)
    return placement


@transaction.atomic
@changes_public_data
def set_served_qpvs(*, initiative: Initiative, qpv_codes: Iterable[str]) -> list[str]:
    """State that the initiative serves the residents of these QPV ("pour les quartiers").

    Replaces the initiative's earlier statement; the codes must be QPV stored in the
    current list. Raises ValidationError (nothing changed) otherwise. A statement that
    changes dates the initiative ("modifiée le"), which makes a new version of the map's
    data file; the same statement again writes nothing.
    """
    codes = list(dict.fromkeys(code.strip().upper() for code in qpv_codes if code.strip()))
    known = set(
        Qpv.objects.filter(code__in=codes, generation=current_generation() or "").values_list(
            "code", flat=True
        )
    )
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            {"qpv": _("Quartier prioritaire inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    stored = InitiativeQpv.objects.filter(initiative=initiative, relation=QpvRelation.FOR)
    if set(stored.values_list("qpv_code", flat=True)) == set(codes):
        return codes
    stored.delete()
    InitiativeQpv.objects.bulk_create(
        [
            InitiativeQpv(initiative=initiative, qpv_code=code, relation=QpvRelation.FOR)
            for code in codes
        ]
    )
    now = timezone.now()
    Initiative.objects.filter(pk=initiative.pk).update(updated_at=now)
    initiative.updated_at = now
    mapstore.data_changed()
    return codes


@transaction.atomic
@changes_public_data
def import_qpv(
    *,
    data: QpvFile,
    partial: bool = False,
    place: bool = True,
    origin: DatasetOrigin | None = None,
) -> QpvImportReport:
    """Store the QPV outlines of the file (territories' import_qpv) then, when something
    changed and `place` is true, place every initiative again against them; all or nothing."""
    report = territories_services.import_qpv(data=data, partial=partial, origin=origin)
    return placed_after(report) if place else report


def placed_after(report: QpvImportReport) -> QpvImportReport:
    """The initiatives placed again after a change of the QPV outlines (one transaction)."""
    if report.has_changes:
        report = replace(report, placement=place_initiatives())
    return report


@transaction.atomic
@changes_public_data
def install_demo_qpvs(*, place: bool = True) -> QpvImportReport | None:
    """The demonstration outlines (territories' install_demo_qpvs), then the initiatives
    placed against them; None when an official list is stored."""
    report = territories_services.install_demo_qpvs()
    if report is None or not place:
        return report
    return placed_after(report)
