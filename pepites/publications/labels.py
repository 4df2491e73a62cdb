"""The labels the publication derives: « Présentée dans L'Éco des quartiers n° N », one per
published issue, held by the initiatives it features (declared to the initiatives' labels
at start-up, see pepites/initiatives/labels/derived.py); never entered by hand."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pepites.initiatives.labels.derived import DerivedLabel
from pepites.publications.models import FeaturedInitiative, Issue, IssueStatus


def _featured(issue_pk: int):
    return lambda: FeaturedInitiative.objects.filter(
        issue_id=issue_pk, initiative__isnull=False
    ).values("initiative_id")


def publication_labels() -> list[DerivedLabel]:
    issues = (
        Issue.objects.filter(status=IssueStatus.PUBLISHED)
        .select_related("series")
        .order_by("series__title", "number")
    )
    return [
        DerivedLabel(
            slug=f"publication-{issue.series.slug}-{issue.number}"[:80],
            name=_("Présentée dans %(series)s n° %(number)s")
            % {"series": issue.series.title, "number": issue.number},
            initiative_ids=_featured(issue.pk),
        )
        for issue in issues
    ]
