"""Reads of the QPV's key figures: the context card of a QPV page, the figures of the API
and the populations the gaps dashboard sorts by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pepites.territories.indicator_files import DEMO_INDICATORS_VINTAGE, INDICATORS
from pepites.territories.models import IndicatorScope, QpvIndicator


@dataclass(frozen=True)
class Figure:
    """A value, or why there is none ("s", "nd", or "" when the file gave nothing)."""

    value: float | None
    status: str
    unit: str

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class CardRow:
    key: str
    label: str
    unit: str
    vintage: str
    qpv: Figure
    communes: list[Figure]
    france: Figure


@dataclass(frozen=True)
class IndicatorCard:
    rows: list[CardRow]
    communes: list[dict[str, str]]  # the communes with a reference column
    source: str

    @property
    def is_demo(self) -> bool:
        return any(row.vintage == DEMO_INDICATORS_VINTAGE for row in self.rows)


MISSING = Figure(value=None, status="", unit="")


def _latest(code: str) -> dict[str, QpvIndicator]:
    """The QPV's most recent row per indicator (vintages compare as text: "2020" < "2021")."""
    latest: dict[str, QpvIndicator] = {}
    for row in QpvIndicator.objects.filter(scope=IndicatorScope.QPV, code=code):
        if row.indicator not in latest or row.vintage > latest[row.indicator].vintage:
            latest[row.indicator] = row
    return latest


def _figure(row: QpvIndicator | None) -> Figure:
    return MISSING if row is None else Figure(row.value, row.status, row.unit)


def qpv_indicator_card(*, code: str, communes: list[dict[str, str]]) -> IndicatorCard | None:
    """The QPV's figures with the same vintage's references of its communes and of France
    beside them; None when no figure of the QPV is stored."""
    latest = _latest(code)
    if not latest:
        return None
    vintages = {row.vintage for row in latest.values()}
    commune_codes = [c["code"] for c in communes]
    references = {
        (row.scope, row.code, row.indicator, row.vintage): row
        for row in QpvIndicator.objects.filter(
            vintage__in=vintages,
            indicator__in=list(latest),
            scope__in=[IndicatorScope.COMMUNE, IndicatorScope.FRANCE],
            code__in=[*commune_codes, "FR"],
        )
    }
    with_reference = {key[1] for key in references if key[0] == IndicatorScope.COMMUNE}
    shown = [c for c in communes if c["code"] in with_reference]
    rows = []
    for definition in INDICATORS:
        row = latest.get(definition.key)
        if row is None:
            continue
        rows.append(
            CardRow(
                key=definition.key,
                label=str(definition.label),
                unit=row.unit,
                vintage=row.vintage,
                qpv=_figure(row),
                communes=[
                    _figure(
                        references.get(
                            (IndicatorScope.COMMUNE, c["code"], definition.key, row.vintage)
                        )
                    )
                    for c in shown
                ],
                france=_figure(
                    references.get((IndicatorScope.FRANCE, "FR", definition.key, row.vintage))
                ),
            )
        )
    sources = sorted({row.source for row in latest.values()})
    return IndicatorCard(rows=rows, communes=shown, source=" ; ".join(sources))


def qpv_indicator_values(
    *, codes: Iterable[str], indicators: Iterable[str] | None = None
) -> dict[str, dict[str, dict]]:
    """{code: {indicator: {value, status, unit, vintage}}}: the latest vintage of each."""
    found: dict[str, dict[str, dict]] = {}
    rows = QpvIndicator.objects.filter(scope=IndicatorScope.QPV, code__in=list(codes))
    if indicators is not None:
        rows = rows.filter(indicator__in=list(indicators))
    for row in rows:
        current = found.setdefault(row.code, {}).get(row.indicator)
        if current is None or row.vintage > current["vintage"]:
            found[row.code][row.indicator] = {
                "value": row.value,
                "status": row.status,
                "unit": row.unit,
                "vintage": row.vintage,
            }
    return found


def qpv_populations(*, codes: Iterable[str]) -> dict[str, int]:
    """{code: population} from the latest vintage known of each QPV (secret ones left out)."""
    return {
        code: int(values["population"]["value"])
        for code, values in qpv_indicator_values(codes=codes, indicators=["population"]).items()
        if values.get("population", {}).get("value") is not None
    }
