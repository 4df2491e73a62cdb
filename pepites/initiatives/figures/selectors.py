"""Reading the figures: an initiative's years, and the timeline its page shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from pepites.initiatives.figures.models import InitiativeFigures
from pepites.initiatives.figures.services import FIGURE_FIELDS
from pepites.initiatives.models import Initiative


def figures_of(*, initiative: Initiative) -> QuerySet[InitiativeFigures]:
    return InitiativeFigures.objects.filter(initiative=initiative).order_by("year")


@dataclass(frozen=True)
class TimelineRow:
    """One figure across the years, with each value's share of the largest (for the bars)."""

    name: str
    label: str
    cells: list[tuple[int | None, int]]  # (value, percentage of the row's maximum)


def timeline(*, initiative: Initiative) -> tuple[list[InitiativeFigures], list[TimelineRow]]:
    """The years (oldest first) and, per figure given at least once, its values."""
    years = list(figures_of(initiative=initiative))
    rows = []
    for name in FIGURE_FIELDS:
        values = [getattr(year, name) for year in years]
        if all(value is None for value in values):
            continue
        largest = max(value for value in values if value is not None) or 1
        rows.append(
            TimelineRow(
                name=name,
                label=str(getattr(InitiativeFigures._meta.get_field(name), "verbose_name", name)),
                cells=[
                    (value, round(100 * value / largest) if value is not None else 0)
                    for value in values
                ],
            )
        )
    return years, rows


def figures_as_dicts(*, initiative: Initiative) -> list[dict]:
    """For the API: every year, oldest first."""
    return [
        {"year": f.year, **{name: getattr(f, name) for name in (*FIGURE_FIELDS, "comment")}}
        for f in figures_of(initiative=initiative)
    ]
