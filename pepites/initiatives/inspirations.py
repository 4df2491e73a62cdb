""" "Inspirée de" links between initiatives: the writes (services) and the reads (selectors)
of one small relation, kept together. A reproduction may draw on several sources; a source
is "essaimée" once it has at least one published reproduction.

The link is carried by the API, the open-data exports (column `inspiree_de`: the sources'
uids), the feeds and the import, so that a file exported and imported again keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from pepites.core.dataversion import changes_public_data
from pepites.initiatives.models import Initiative, InitiativeInspiration, InitiativeStatus

PUBLISHED = InitiativeStatus.PUBLISHED


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
@changes_public_data
def link_inspiration(*, source: Initiative, reproduction: Initiative) -> InitiativeInspiration:
    """Record that `reproduction` reproduces `source`; the same link twice is kept once."""
    if source.pk == reproduction.pk:
        raise ValidationError(
            {"reproduction": _("Une initiative ne peut pas être inspirée d'elle-même.")}
        )
    if InitiativeInspiration.objects.filter(source=reproduction, reproduction=source).exists():
        raise ValidationError(
            {
                "reproduction": _(
                    "« %(title)s » est déjà présentée comme inspirée de cette initiative."
                )
                % {"title": source.title}
            }
        )
    link, _created = InitiativeInspiration.objects.get_or_create(
        source=source, reproduction=reproduction
    )
    return link


@transaction.atomic
@changes_public_data
def unlink_inspiration(*, source: Initiative, reproduction: Initiative) -> int:
    deleted, _details = InitiativeInspiration.objects.filter(
        source=source, reproduction=reproduction
    ).delete()
    return deleted


def link_pairs(*, pairs: Iterable[tuple[int, int]]) -> int:
    """For the import: (source pk, reproduction pk) pairs, the existing ones kept; returns
    how many links are new. Run inside the import's transaction."""
    wanted = {(source, reproduction) for source, reproduction in pairs if source != reproduction}
    if not wanted:
        return 0
    existing = set(
        InitiativeInspiration.objects.filter(
            reproduction_id__in={reproduction for _source, reproduction in wanted}
        ).values_list("source_id", "reproduction_id")
    )
    new = [
        InitiativeInspiration(source_id=source, reproduction_id=reproduction)
        for source, reproduction in sorted(wanted - existing)
    ]
    InitiativeInspiration.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- Reads ----------------------------------------------------------------------------------


def sources_of(*, initiative: Initiative) -> QuerySet[Initiative]:
    """The published initiatives this one is inspired by."""
    return (
        Initiative.objects.filter(status=PUBLISHED, reproduction_links__reproduction=initiative)
        .select_related("commune")
        .order_by("title")
    )


def reproductions_of(*, initiative: Initiative) -> QuerySet[Initiative]:
    """The published initiatives that reproduce this one."""
    return (
        Initiative.objects.filter(status=PUBLISHED, inspiration_links__source=initiative)
        .select_related("commune__departement")
        .order_by("commune__name", "title")
    )


def essaimed_initiatives() -> QuerySet[Initiative]:
    """Published initiatives with at least one published reproduction."""
    return Initiative.objects.filter(
        status=PUBLISHED,
        pk__in=InitiativeInspiration.objects.filter(reproduction__status=PUBLISHED).values(
            "source_id"
        ),
    )


def source_uids_by_reproduction(*, ids: Iterable[int]) -> dict[int, list[str]]:
    """{reproduction pk: its sources' uids} for a chunk of an export (published or not: an
    export of one's own drafts keeps their links too)."""
    found: dict[int, list[str]] = {}
    for pk, uid in (
        InitiativeInspiration.objects.filter(reproduction_id__in=list(ids))
        .order_by("source__uid")
        .values_list("reproduction_id", "source__uid")
    ):
        found.setdefault(pk, []).append(str(uid))
    return found


def reproduction_counts() -> QuerySet:
    """(source pk, number of published reproductions) for every essaimée initiative."""
    return (
        InitiativeInspiration.objects.filter(
            source__status=PUBLISHED, reproduction__status=PUBLISHED
        )
        .values("source_id")
        .annotate(reproductions=Count("reproduction_id", distinct=True))
    )


@dataclass(frozen=True)
class MapPoint:
    slug: str
    title: str
    commune: str
    latitude: float | None
    longitude: float | None


def _point(initiative: Initiative) -> MapPoint:
    return MapPoint(
        slug=initiative.slug,
        title=initiative.title,
        commune=initiative.commune.name,
        latitude=initiative.latitude,
        longitude=initiative.longitude,
    )


def reproduction_lines(*, initiative: Initiative) -> dict:
    """A source and its reproductions as points, for the map's lines and the small map."""
    return {
        "source": _point(initiative).__dict__,
        "reproductions": [_point(i).__dict__ for i in reproductions_of(initiative=initiative)],
        "sources": [_point(i).__dict__ for i in sources_of(initiative=initiative)],
    }


def territories_count(*, initiative: Initiative) -> int:
    """ "Essaimée dans N territoires": the distinct communes of its published reproductions."""
    return (
        reproductions_of(initiative=initiative).order_by().values("commune_id").distinct().count()
    )
