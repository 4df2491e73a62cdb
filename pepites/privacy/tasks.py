"""The privacy duties' periodic job (see pepites/core/jobs)."""

from __future__ import annotations

from datetime import time

from pepites.core.jobs import Daily, job, periodic
from pepites.privacy.retention import run_retention


@periodic(
    name="privacy.retention",
    schedule=Daily(time(3, 15)),
    description="Durées de conservation des données personnelles : auteurs de propositions, "
    "abonnés, invitations, comptes inactifs, journal d'audit (docs/donnees-personnelles.md).",
)
@job()
def apply_retention() -> dict[str, int]:
    return run_retention()
