"""Likely duplicates: the initiatives a proposal may repeat (similar title or porteur, a
point nearby, the same commune), shown to the moderator.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from pepites.initiatives.models import Initiative, Proposal

NEARBY_METRES = 1_000
TITLE_SIMILARITY = 0.6
PORTEUR_SIMILARITY = 0.8


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def similarity(a: str, b: str) -> float:
    """0 to 1: how alike two names are once accents, case and punctuation are set aside."""
    a, b = _normalise(a), _normalise(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.4 or matcher.quick_ratio() < 0.4:
        return matcher.quick_ratio() * 0.5
    return matcher.ratio()


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    scale = math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(lat2 - lat1, (lon2 - lon1) * scale) * 111_195


@dataclass
class Duplicate:
    initiative: Initiative
    score: float
    reasons: list[str] = field(default_factory=list)


def likely_duplicates(
    *,
    title: str,
    porteur_name: str = "",
    commune_code: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Duplicate]:
    """Initiatives that may be the same as the one described: a similar title or porteur,
    a point within ~1 km, the same commune. Best candidates first."""
    commune = None
    if commune_code:
        from pepites.territories.models import Commune

        commune = Commune.objects.filter(code=commune_code).first()
    where = Q(pk__in=[])
    if commune is not None:
        where |= Q(commune__departement_id=commune.departement_id)
    if latitude is not None and longitude is not None:
        dlat = NEARBY_METRES / 111_195
        dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
        where |= Q(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
    normalised_title = _normalise(title)
    if normalised_title:
        where |= Q(title__iexact=title.strip())
    candidates = Initiative.objects.filter(where).select_related("commune", "centre")
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    found: list[Duplicate] = []
    for initiative in candidates[:2000]:
        reasons: list[str] = []
        score = 0.0
        title_score = similarity(title, initiative.title)
        if title_score >= TITLE_SIMILARITY:
            reasons.append(_("titre proche (%(pct)s %%)") % {"pct": round(title_score * 100)})
            score += 2 * title_score
        if porteur_name:
            porteur_score = similarity(porteur_name, initiative.porteur_name)
            if porteur_score >= PORTEUR_SIMILARITY:
                reasons.append(_("même porteur ou presque"))
                score += 1.5 * porteur_score
        if (
            latitude is not None
            and longitude is not None
            and initiative.latitude is not None
            and initiative.longitude is not None
        ):
            metres = _metres(latitude, longitude, initiative.latitude, initiative.longitude)
            if metres <= NEARBY_METRES:
                reasons.append(_("à %(m)s m") % {"m": round(metres)})
                score += 1 - metres / NEARBY_METRES / 2
        same_commune = commune is not None and initiative.commune_id == commune.code
        if same_commune:
            reasons.append(_("même commune"))
            score += 0.5
        # The same commune alone scores low: a city has many initiatives.
        if reasons:
            found.append(Duplicate(initiative=initiative, score=score, reasons=reasons))
    found.sort(key=lambda d: (-d.score, d.initiative.title))
    return found[:limit]


def duplicates_of_proposal(*, proposal: Proposal, limit: int = 5) -> list[Duplicate]:
    data = proposal.data
    return likely_duplicates(
        title=data.get("title", ""),
        porteur_name=data.get("porteur_name", ""),
        commune_code=data.get("commune_code", ""),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        exclude_pk=proposal.initiative_id,
        limit=limit,
    )
