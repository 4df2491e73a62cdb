"""One A4 page per centre and year for its activity report: the essaimage's figures, with
the publications' PDF stack (WeasyPrint, packaged fonts, no network access)."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from pepites.insights.impact import ImpactFilters, impact
from pepites.network.models import Centre
from pepites.publications.pdf import font_faces, html_to_pdf

TEMPLATE = "insights/print/impact.html"
TOP = 6  # rows per table: the page stays one page


def _top(rows: list) -> list:
    return rows[:TOP]


def centre_year_html(*, centre: Centre | None, year: int) -> str:
    filters = ImpactFilters(
        start=date(year, 1, 1), end=date(year, 12, 31), centre_id=centre.pk if centre else None
    )
    figures = impact(filters=filters)
    top = max((n for _label, n in figures.by_month), default=0) or 1
    months = [(label, n, round(100 * n / top)) for label, n in figures.by_month]
    return render_to_string(
        TEMPLATE,
        {
            "centre": centre,
            "year": year,
            "figures": figures,
            "months": months,
            "by_status": figures.by_status,
            "by_theme": _top(figures.by_theme),
            "by_region": _top(figures.by_region),
            "added": _top(figures.added_by_centre),
            "fonts": font_faces(),
            "print_date": timezone.localdate(),
        },
    )


def centre_year_pdf(*, centre: Centre | None, year: int) -> bytes:
    """The page of `centre` (None: the whole network) for `year`, as PDF bytes."""
    return html_to_pdf(centre_year_html(centre=centre, year=year), faces=font_faces())
