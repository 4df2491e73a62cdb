"""Reading organisations."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from pepites.organisations.models import Organisation


def organisations_to_check(*, every_days: int, limit: int) -> QuerySet[Organisation]:
    """Organisations with a SIRET never looked up, or not for `every_days` days: the oldest
    first."""
    before = timezone.now() - timedelta(days=every_days)
    return (
        Organisation.objects.exclude(siret="")
        .filter(is_demo=False)
        .filter(Q(looked_up_at__isnull=True) | Q(looked_up_at__lt=before))
        .order_by(F("looked_up_at").asc(nulls_first=True), "pk")[:limit]
    )


def duplicate_name_keys() -> list[tuple[str, str | None]]:
    """The (normalised name, commune) shared by more than one organisation."""
    return list(
        Organisation.objects.values("normalised_name", "commune_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("normalised_name", "commune_id")
        .values_list("normalised_name", "commune_id")
    )
