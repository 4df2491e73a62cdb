"""Who answered the check-in and who did not, for the centres' workspace."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from pepites.initiatives.checkins.models import CheckinLink, CheckinPurpose
from pepites.initiatives.models import Initiative

STATES = ("", "repondu", "sans_reponse", "jamais")


def with_latest_link(*, initiatives: QuerySet[Initiative], state: str = "") -> QuerySet:
    """The initiatives that can be asked (consenting contact with an address), each with the
    id of its latest check-in link, narrowed to one state of STATES."""
    latest = CheckinLink.objects.filter(
        initiative=OuterRef("pk"), purpose=CheckinPurpose.YEARLY
    ).order_by("-created_at", "-pk")
    queryset = (
        initiatives.filter(contact_consent=True)
        .exclude(contact_email="")
        .annotate(
            latest_link_id=Subquery(latest.values("pk")[:1]),
            latest_used_at=Subquery(latest.values("used_at")[:1]),
        )
    )
    if state == "repondu":
        queryset = queryset.filter(latest_used_at__isnull=False)
    elif state == "sans_reponse":
        queryset = queryset.filter(latest_link_id__isnull=False, latest_used_at__isnull=True)
    elif state == "jamais":
        queryset = queryset.filter(latest_link_id__isnull=True)
    return queryset


@dataclass(frozen=True)
class CheckinRow:
    initiative: Initiative
    link: CheckinLink | None

    @property
    def expired(self) -> bool:
        return (
            self.link is not None
            and self.link.used_at is None
            and self.link.expires_at <= timezone.now()
        )


def rows_for(initiatives: list[Initiative]) -> list[CheckinRow]:
    ids = [getattr(i, "latest_link_id", None) for i in initiatives]
    links = CheckinLink.objects.select_related("proposal").in_bulk([pk for pk in ids if pk])
    return [
        CheckinRow(initiative=i, link=links.get(pk) if pk else None)
        for i, pk in zip(initiatives, ids, strict=True)
    ]
