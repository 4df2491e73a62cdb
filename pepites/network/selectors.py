"""Reads of the network domain."""

from django.db.models import Count, Q, QuerySet

from pepites.initiatives.models import InitiativeStatus
from pepites.network.models import Centre


def centres_covering_commune(*, commune_code: str) -> QuerySet[Centre]:
    """Centres whose territory includes the commune (usually one; none: the national team)."""
    return Centre.objects.filter(departements__communes__code=commune_code).distinct()


def centre_for_commune(*, commune_code: str) -> Centre | None:
    return centres_covering_commune(commune_code=commune_code).order_by("name").first()


def list_centres() -> QuerySet[Centre]:
    """The directory, with the count of published initiatives of each centre."""
    return (
        Centre.objects.prefetch_related("departements")
        .annotate(
            published_count=Count(
                "initiatives", filter=Q(initiatives__status=InitiativeStatus.PUBLISHED)
            )
        )
        .order_by("name")
    )
