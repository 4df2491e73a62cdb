"""Reads of the initiatives domain."""

from django.db.models import Count, Q, QuerySet

from pepites.initiatives.models import Initiative, InitiativeStatus, Theme


def published_initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.filter(status=InitiativeStatus.PUBLISHED)


def list_themes() -> QuerySet[Theme]:
    """Themes in their editorial order, with their count of published initiatives."""
    return Theme.objects.annotate(
        published_count=Count(
            "initiatives", filter=Q(initiatives__status=InitiativeStatus.PUBLISHED), distinct=True
        )
    ).order_by("position", "label")


def get_published_initiative(*, slug: str) -> Initiative | None:
    return (
        published_initiatives()
        .select_related("commune__departement__region", "centre", "principal_theme")
        .prefetch_related("themes", "links", "qpv_links")
        .filter(slug=slug)
        .first()
    )
