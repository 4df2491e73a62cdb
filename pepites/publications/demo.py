"""Demonstration issues of L'Éco des quartiers: one per theme of the first year, fictional,
marked `is_demo` (shown as "Exemple de démonstration" on the web and in the PDF).

They feature published demonstration initiatives of their theme, so load those first
(`pepites demo` does both, in that order).
"""

import json
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.network.models import Centre
from pepites.publications.models import Issue, Series
from pepites.publications.services import (
    add_article,
    add_featured_initiative,
    create_issue,
    create_series,
    publish_issue,
)

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_issues.json"
FEATURED_PER_ISSUE = 3
PUBLICATION_DAY = 15


def demo_year(*, today: date | None = None) -> int:
    """The latest year whose four issues (March to September) are all in the past."""
    today = today or timezone.localdate()
    return today.year if today >= date(today.year, 9, PUBLICATION_DAY) else today.year - 1


def demo_initiatives_for(theme_slug: str) -> list[Initiative]:
    """Published demonstration initiatives of a theme, its main theme first."""
    return list(
        Initiative.objects.filter(
            status=InitiativeStatus.PUBLISHED, is_demo=True, themes__slug=theme_slug
        )
        .annotate(
            main=Case(
                When(principal_theme__slug=theme_slug, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("main", "title")
        .distinct()[:FEATURED_PER_ISSUE]
    )


def load_demo_publications(*, path: Path = DEMO_FILE, generate_pdf: bool = True) -> int:
    """Create and publish the demonstration issues not present yet; return how many."""
    data = json.loads(path.read_text(encoding="utf-8"))
    year = demo_year()
    paris = ZoneInfo("Europe/Paris")
    created = []
    with transaction.atomic():
        series = Series.objects.filter(slug=data["series"]["slug"]).first()
        if series is None:
            series = create_series(**data["series"], is_demo=True)
        known_centres = set(Centre.objects.values_list("slug", flat=True))
        for entry in data["issues"]:
            if Issue.objects.filter(series=series, number=entry["number"]).exists():
                continue
            day = date(year, entry["month"], PUBLICATION_DAY)
            issue = create_issue(
                series=series,
                number=entry["number"],
                title=entry["title"],
                theme_slugs=[entry["theme"]],
                planned_date=day,
                editorial=entry["editorial"],
                editorial_author=entry["editorial_author"],
                is_demo=True,
            )
            for article in entry["articles"]:
                add_article(
                    issue=issue,
                    title=article["title"],
                    author=article["author"],
                    body=article["body"],
                    centre_slugs=[c for c in article["centres"] if c in known_centres],
                )
            for initiative in demo_initiatives_for(entry["theme"]):
                add_featured_initiative(issue=issue, initiative=initiative)
            publish_issue(
                issue=issue,
                published_at=datetime.combine(day, time(10, 0), tzinfo=paris),
                notify=False,
                generate_pdf=False,
            )
            created.append(issue)
    if generate_pdf:
        from pepites.publications.pdf import issue_pdf

        for issue in created:
            issue_pdf(issue=issue)
    return len(created)
