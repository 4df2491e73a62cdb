"""Reads of the placement of initiatives against the QPV: the initiatives of a QPV, what
an initiative's page says about the QPV, the counts of the /quartiers/ index. The QPV
themselves are territories'; filtering by QPV is in initiatives/selectors.py."""

from dataclasses import dataclass

from django.db.models import Count

from pepites.initiatives.models import (
    Initiative,
    InitiativeQpv,
    InitiativeStatus,
    QpvPlacement,
    QpvRelation,
)
from pepites.territories.models import Commune, Departement, QpvCommune
from pepites.territories.selectors import QpvEntry, qpv_names


def initiatives_of_qpv(*, code: str, published_only: bool = True) -> dict[str, list]:
    """Initiatives in, near and for a QPV: {"dans": [...], "proximite": [...], "pour": [...]}.

    Each initiative carries `qpv_distance_m` (0 inside, metres nearby, None for "pour").
    """
    links = (
        InitiativeQpv.objects.filter(qpv_code=code)
        .select_related("initiative__commune", "initiative__principal_theme")
        .order_by("relation", "distance_m", "initiative__title")
    )
    if published_only:
        links = links.filter(initiative__status=InitiativeStatus.PUBLISHED)
    grouped: dict[str, list] = {relation: [] for relation in QpvRelation.values}
    for link in links:
        initiative = link.initiative
        initiative.qpv_distance_m = link.distance_m  # type: ignore[attr-defined]
        grouped[link.relation].append(initiative)
    return grouped


@dataclass(frozen=True)
class QpvMention:
    code: str
    name: str
    distance_m: int | None = None


@dataclass(frozen=True)
class InitiativeQpvSummary:
    """What the initiative page says about the QPV."""

    relation: str  # "dans", "proximite", "hors" or "" (not computed)
    relation_label: str
    containing: list[QpvMention]
    near: list[QpvMention]
    serves: list[QpvMention]  # "pour les quartiers", stated by the contributor
    nearest: QpvMention | None


def initiative_qpv_summary(*, initiative: Initiative) -> InitiativeQpvSummary:
    links = list(initiative.qpv_links.all())  # prefetched by get_published_initiative
    codes = {link.qpv_code for link in links} | {initiative.nearest_qpv_code} - {""}
    names = qpv_names(codes)

    def mentions(relation: str) -> list[QpvMention]:
        return [
            QpvMention(
                code=link.qpv_code, name=names.get(link.qpv_code, ""), distance_m=link.distance_m
            )
            for link in sorted(links, key=lambda link: (link.distance_m or 0, link.qpv_code))
            if link.relation == relation
        ]

    nearest = None
    if initiative.nearest_qpv_code:
        nearest = QpvMention(
            code=initiative.nearest_qpv_code,
            name=names.get(initiative.nearest_qpv_code, ""),
            distance_m=initiative.nearest_qpv_distance_m,
        )
    return InitiativeQpvSummary(
        relation=initiative.qpv_relation,
        relation_label=str(QpvPlacement(initiative.qpv_relation).label),
        containing=mentions(QpvRelation.IN),
        near=mentions(QpvRelation.NEAR),
        serves=mentions(QpvRelation.FOR),
        nearest=nearest,
    )


@dataclass(frozen=True)
class QpvIndexRow:
    """A line of the /quartiers/ index: the QPV, its communes and its published initiatives
    in, near and for it."""

    entry: QpvEntry
    departement_name: str
    communes: list[dict[str, str]]
    counts: dict[str, int]  # relation → number of published initiatives


def qpv_index_rows(*, entries: list[QpvEntry]) -> list[QpvIndexRow]:
    """The rows of one page of the index, in three queries whatever the page's size."""
    codes = [entry.code for entry in entries]
    links: dict[str, list[str]] = {code: [] for code in codes}
    for code, commune in (
        QpvCommune.objects.filter(qpv_id__in=codes)
        .order_by("qpv_id", "position")
        .values_list("qpv_id", "commune_code")
    ):
        links[code].append(commune)
    commune_codes = {commune for found in links.values() for commune in found}
    names = dict(Commune.objects.filter(code__in=commune_codes).values_list("code", "name"))
    departements = dict(
        Departement.objects.filter(code__in={e.departement_code for e in entries}).values_list(
            "code", "name"
        )
    )
    counts: dict[str, dict[str, int]] = {code: {} for code in codes}
    for code, relation, n in (
        InitiativeQpv.objects.filter(
            qpv_code__in=codes, initiative__status=InitiativeStatus.PUBLISHED
        )
        .order_by()
        .values_list("qpv_code", "relation")
        .annotate(n=Count("initiative_id", distinct=True))
    ):
        counts[code][relation] = n
    return [
        QpvIndexRow(
            entry=entry,
            departement_name=departements.get(entry.departement_code, ""),
            communes=[{"code": c, "name": names.get(c, "")} for c in links[entry.code]],
            counts=counts[entry.code],
        )
        for entry in entries
    ]


def served_qpv_codes(*, initiative: Initiative) -> list[str]:
    """The QPV the contributor states the initiative serves ("pour les quartiers")."""
    return list(
        initiative.qpv_links.filter(relation=QpvRelation.FOR)
        .order_by("pk")
        .values_list("qpv_code", flat=True)
    )
