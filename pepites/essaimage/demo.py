"""Demonstration content of the essaimage, fictional and marked `is_demo` (shown as such in
the queue, on the request and on the dashboard): "inspirée de" links between demonstration
initiatives of the same theme, and requests in every state over the last year, with notes.
Loaded by `manage.py demo` after the demonstration initiatives; idempotent."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from pepites.essaimage import tally
from pepites.essaimage.models import (
    InspirationRequest,
    Need,
    RequesterKind,
    RequestNote,
    RequestStatus,
)
from pepites.essaimage.services import month_of
from pepites.initiatives.inspirations import link_inspiration
from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.network.selectors import centre_for_commune

STATES = [
    RequestStatus.NEW,
    RequestStatus.IN_CONTACT,
    RequestStatus.SUPPORTED,
    RequestStatus.REPRODUCED,
    RequestStatus.DROPPED,
]
NOTES = {
    RequestStatus.IN_CONTACT: "Premier échange téléphonique ; documents envoyés. (démonstration)",
    RequestStatus.SUPPORTED: "Visite organisée avec le porteur ; accompagnement local engagé. "
    "(démonstration)",
    RequestStatus.REPRODUCED: "L'initiative a ouvert : reliée à celle qui l'a inspirée. "
    "(démonstration)",
    RequestStatus.DROPPED: "Le projet est reporté faute de local. (démonstration)",
}


def _pairs(initiatives: list[Initiative]) -> list[tuple[Initiative, Initiative]]:
    """(source, reproduction) of the same principal theme, in another commune."""
    by_theme: dict[int, list[Initiative]] = {}
    for initiative in initiatives:
        by_theme.setdefault(initiative.principal_theme_id, []).append(initiative)
    pairs = []
    for group in by_theme.values():
        source, *others = group
        pairs += [(source, other) for other in others[:2] if other.commune_id != source.commune_id]
    return pairs


@transaction.atomic
def load_demo_essaimage(*, seed: int = 15) -> int:
    """Create the demonstration links and requests once; returns the requests created."""
    if InspirationRequest.objects.filter(is_demo=True).exists():
        return 0
    initiatives = list(
        Initiative.objects.filter(is_demo=True, status=InitiativeStatus.PUBLISHED)
        .select_related("commune")
        .order_by("principal_theme_id", "title")
    )
    pairs = _pairs(initiatives)
    if not pairs:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    created = 0
    for number, (source, reproduction) in enumerate(pairs, start=1):
        state = STATES[number % len(STATES)]
        if number % 2 or state == RequestStatus.REPRODUCED:
            link_inspiration(source=source, reproduction=reproduction)
        arrived = now - timedelta(days=rng.randint(10, 330), hours=rng.randint(0, 23))
        request = InspirationRequest.objects.create(
            initiative=source,
            theme_id=source.principal_theme_id,
            requester_name=f"Personne fictive {number} (démonstration)",
            requester_email=f"demonstration.{number}@exemple.invalid",
            organisation="Structure fictive (démonstration)",
            requester_kind=rng.choice(RequesterKind.values),
            commune=reproduction.commune,
            region_id=reproduction.commune.region_id,
            project="Reproduire cette initiative sur notre territoire. (Contenu de démonstration.)",
            needs=rng.sample(Need.values, 2),
            referring_centre=source.centre,
            local_centre=centre_for_commune(commune_code=reproduction.commune_id),
            status=state,
            closing_reason="Projet reporté (démonstration)"
            if state == RequestStatus.DROPPED
            else "",
            reproduction=reproduction if state == RequestStatus.REPRODUCED else None,
            created_at=arrived,
            month=month_of(arrived),
            consent_at=arrived,
            is_demo=True,
        )
        if state != RequestStatus.NEW:
            answered = arrived + timedelta(days=rng.randint(1, 12))
            request.first_answer_at = answered
            request.answer_seconds = int((answered - arrived).total_seconds())
            if state in (RequestStatus.REPRODUCED, RequestStatus.DROPPED):
                request.closed_at = answered + timedelta(days=rng.randint(20, 90))
            request.save(update_fields=["first_answer_at", "answer_seconds", "closed_at"])
            RequestNote.objects.create(request=request, body=NOTES[state], created_at=answered)
        tally.apply(before=None, after=tally.state_of(request))
        created += 1
    return created
