"""Reads for "where initiatives are missing": published initiatives counted per région,
département and QPV, per theme, over the whole network or one centre's territory.

Counting is done in a handful of grouped queries (never one per territory or per QPV);
an initiative with several themes counts once in each of its themes. The report is computed
once per version of the public data, kept in the shared cache and, in each process, in
memory (no unpickling of 1,600 rows per request); what the pages derive from it (sorted
lists, the CSV bytes, rendered tables) is kept on it too.
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count

from pepites.core import dataversion
from pepites.initiatives.models import (
    Initiative,
    InitiativeQpv,
    InitiativeStatus,
    QpvRelation,
    Theme,
)
from pepites.network.models import Centre
from pepites.territories.indicator_selectors import qpv_populations
from pepites.territories.models import Departement, Qpv, QpvCommune, Region
from pepites.territories.selectors import current_qpv_generation

GAPS_CACHE_SECONDS = 24 * 3600  # a new data version makes a new key anyway

T = TypeVar("T")

# The QPV table's views: which QPV, in which order (the page's parameters, in French).
QPV_STATES = ("sans", "avec", "tous")
QPV_SORTS = ("population", "initiatives", "nom", "departement")


@dataclass
class TerritoryRow:
    code: str
    name: str
    total: int = 0
    by_theme: dict[str, int] = field(default_factory=dict)
    qpv_count: int = 0
    qpv_without: int = 0
    counts: list[int] = field(default_factory=list)  # per theme, in the themes' order


@dataclass
class QpvRow:
    code: str
    name: str
    departement_code: str
    region_code: str
    communes_label: str
    commune_codes: list[str]
    latitude: float
    longitude: float
    by_relation: dict[str, int] = field(default_factory=dict)
    by_theme: dict[str, int] = field(default_factory=dict)
    total: int = 0
    population: int | None = None  # INSEE's latest, when imported (import_qpv_indicators)

    @property
    def is_empty(self) -> bool:
        return self.total == 0


@dataclass
class GapsReport:
    centre: Centre | None
    themes: list
    regions: list[TerritoryRow]
    departements: list[TerritoryRow]
    qpvs: list[QpvRow]
    total: int
    by_theme: dict[str, int]
    generation: str | None
    stamp: str = ""  # names this computation: a process's copy is checked against the cache's
    _kept: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_kept"] = {}  # derived in each process, never stored in the shared cache
        return state

    def kept(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()` once for this report in this process (what pages derive from it)."""
        try:
            return self._kept[name]
        except KeyError:
            value = self._kept[name] = compute()
            return value

    @cached_property
    def empty_themes(self) -> list:
        return [t for t in self.themes if not self.by_theme.get(t.slug)]

    @cached_property
    def qpvs_without(self) -> list[QpvRow]:
        """The QPV without any initiative, the most populated first (those whose population
        is unknown after, in the list's order)."""
        return [q for q in self.sorted_qpvs("population") if q.is_empty]

    def sorted_qpvs(self, sort: str) -> list[QpvRow]:
        """Every QPV in one of the QPV_SORTS orders (ties in the list's order: département,
        name, code); sorted once per report and process."""
        return self.kept(f"sorted:{sort}", lambda: sorted(self.qpvs, key=_SORT_KEYS[sort]))

    @cached_property  # read once per row by the template: computed once
    def has_populations(self) -> bool:
        return any(q.population is not None for q in self.qpvs)

    def theme_counts(self, by_theme: dict[str, int]) -> list[int]:
        return [by_theme.get(t.slug, 0) for t in self.themes]


_SORT_KEYS: dict[str, Callable[[QpvRow], Any]] = {
    "population": lambda q: (q.population is None, -(q.population or 0)),
    "initiatives": lambda q: -q.total,
    "nom": lambda q: q.name.casefold(),
    "departement": lambda q: 0,  # the list's own order
}


def select_qpvs(
    report: GapsReport,
    *,
    state: str = "sans",
    region: str = "",
    departement: str = "",
    sort: str = "population",
) -> list[QpvRow]:
    """The QPV of the report without any initiative ("sans"), with some ("avec") or all,
    in one région or département, in one of the QPV_SORTS orders."""
    rows = report.sorted_qpvs(sort if sort in _SORT_KEYS else "population")
    if state == "sans":
        rows = [q for q in rows if q.is_empty]
    elif state == "avec":
        rows = [q for q in rows if not q.is_empty]
    if region:
        rows = [q for q in rows if q.region_code == region]
    if departement:
        rows = [q for q in rows if q.departement_code == departement]
    return rows


class _Held:
    """This process's copies of the reports of the current data version."""

    lock = threading.Lock()
    reports: dict[str, GapsReport] = {}


def gaps_report(*, centre: Centre | None = None) -> GapsReport:
    """Counts over the whole network, or over the départements a centre covers: computed
    once per version of the public data (pepites/core/dataversion.py) and kept in the
    cache, shared by the app servers when it is Redis. Each process holds the report it
    read: one small read of the cache (its stamp) per request instead of the whole report;
    a cleared cache makes it compute the report again."""
    version = dataversion.versioned_key("gaps") + ":"
    key = version + str(centre.pk if centre else "reseau")
    stamp = cache.get(key + ":stamp")
    held = _Held.reports.get(key)
    if held is not None and stamp is not None and held.stamp == stamp:
        return held
    report = cache.get(key) if stamp is not None else None
    if not isinstance(report, GapsReport) or report.stamp != stamp:
        report = compute_gaps_report(centre=centre)
        report.stamp = uuid.uuid4().hex
        cache.set_many({key: report, key + ":stamp": report.stamp}, GAPS_CACHE_SECONDS)
    with _Held.lock:
        for old in [k for k in _Held.reports if not k.startswith(version)]:
            del _Held.reports[old]
        _Held.reports[key] = report
    return report


def compute_gaps_report(*, centre: Centre | None = None) -> GapsReport:
    """Counts over the whole network, or over the départements a centre covers, in a fixed
    number of grouped queries."""
    themes = list(Theme.objects.order_by("position", "label"))
    departements = Departement.objects.select_related("region").order_by("code")
    if centre is not None:
        departements = departements.filter(centres=centre)
    departements = list(departements)
    dep_codes = [d.code for d in departements]
    region_codes = sorted({d.region_id for d in departements})

    region_of = {d.code: d.region_id for d in departements}
    slug_of = {t.pk: t.slug for t in themes}
    published = Initiative.objects.filter(
        status=InitiativeStatus.PUBLISHED, commune__departement_id__in=dep_codes
    ).order_by()
    # Two grouped scans in all: (département, theme) over the theme links, and the
    # département totals; régions and the network are sums of their départements (an
    # initiative lies in one département and holds each theme once).
    by_dep_theme: dict[str, dict[str, int]] = defaultdict(dict)
    by_reg_theme: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_theme: dict[str, int] = defaultdict(int)
    # Joined, not `initiative__in=<subquery>`: one pass over the initiatives (3 times less).
    links = Initiative.themes.through.objects.filter(
        initiative__status=InitiativeStatus.PUBLISHED,
        initiative__commune__departement_id__in=dep_codes,
    )
    for dep, theme_id, n in (
        links.order_by()
        .values_list("initiative__commune__departement_id", "theme_id")
        .annotate(n=Count("*"))
    ):
        slug = slug_of.get(theme_id)
        if slug:
            by_dep_theme[dep][slug] = n
            by_reg_theme[region_of[dep]][slug] += n
            by_theme[slug] += n
    dep_totals = dict(
        published.values_list("commune__departement_id").annotate(n=Count("pk")).order_by()
    )
    reg_totals: dict[str, int] = defaultdict(int)
    for dep, n in dep_totals.items():
        reg_totals[region_of[dep]] += n

    generation = current_qpv_generation()
    qpv_rows = _qpv_rows(generation, dep_codes)
    dep_rows = [
        TerritoryRow(
            code=d.code,
            name=d.name,
            total=dep_totals.get(d.code, 0),
            by_theme=by_dep_theme.get(d.code, {}),
        )
        for d in departements
    ]
    dep_index = {row.code: row for row in dep_rows}
    regions = {r.code: r for r in Region.objects.filter(code__in=region_codes)}
    reg_rows = [
        TerritoryRow(
            code=code,
            name=regions[code].name,
            total=reg_totals.get(code, 0),
            by_theme=dict(by_reg_theme.get(code, {})),
        )
        for code in sorted(region_codes, key=lambda c: regions[c].name)
    ]
    reg_index = {row.code: row for row in reg_rows}
    for row in [*dep_rows, *reg_rows]:
        row.counts = [row.by_theme.get(t.slug, 0) for t in themes]
    for row in qpv_rows:
        for index, key in ((dep_index, row.departement_code), (reg_index, row.region_code)):
            if key in index:
                index[key].qpv_count += 1
                index[key].qpv_without += row.is_empty
    return GapsReport(
        centre=centre,
        themes=themes,
        regions=reg_rows,
        departements=dep_rows,
        qpvs=qpv_rows,
        total=sum(dep_totals.values()),
        by_theme=dict(by_theme),
        generation=generation,
    )


def _qpv_rows(generation: str | None, dep_codes: list[str]) -> list[QpvRow]:
    if generation is None:
        return []
    qpvs = Qpv.objects.filter(generation=generation, departement_id__in=dep_codes).order_by(
        "departement_id", "name", "code"
    )
    rows = {
        code: QpvRow(
            code=code,
            name=name,
            departement_code=dep,
            region_code=reg,
            communes_label=communes,
            commune_codes=[],
            latitude=lat,
            longitude=lon,
        )
        for code, name, dep, reg, communes, lat, lon in qpvs.values_list(
            "code", "name", "departement_id", "region_id", "communes_label", "latitude", "longitude"
        )
    }
    for code, population in qpv_populations(codes=rows).items():
        rows[code].population = population
    for code, commune in (
        QpvCommune.objects.filter(qpv__in=qpvs)
        .order_by("qpv_id", "position")
        .values_list("qpv_id", "commune_code")
    ):
        rows[code].commune_codes.append(commune)
    links = InitiativeQpv.objects.filter(
        initiative__status=InitiativeStatus.PUBLISHED,
        qpv_code__in=qpvs.values("code"),
    ).order_by()
    for code, relation, n in links.values_list("qpv_code", "relation").annotate(
        n=Count("initiative", distinct=True)
    ):
        rows[code].by_relation[relation] = n
    for code, n in links.values_list("qpv_code").annotate(n=Count("initiative", distinct=True)):
        rows[code].total = n
    for code, slug, n in links.values_list("qpv_code", "initiative__themes__slug").annotate(
        n=Count("initiative", distinct=True)
    ):
        if slug:
            rows[code].by_theme[slug] = n
    return list(rows.values())


RELATION_COLUMNS = [QpvRelation.IN, QpvRelation.NEAR, QpvRelation.FOR]
