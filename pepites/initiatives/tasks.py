"""The initiatives' queued and periodic jobs (see pepites/core/jobs)."""

from __future__ import annotations

from datetime import time

from pepites.core.jobs import Daily, job, periodic


@periodic(
    name="imports.sweep",
    schedule=Daily(time(4, 10)),
    description="Supprime les imports (et leurs fichiers) de plus de deux jours.",
)
@job()
def sweep_import_jobs() -> int:
    from pepites.initiatives.imports.jobs import sweep

    return sweep()


@periodic(
    name="initiatives.check_reminders",
    schedule=Daily(time(8, 0), weekday=0),
    description="Rappel hebdomadaire à chaque centre de ses initiatives à vérifier.",
)
@job()
def send_check_reminders() -> int:
    from pepites.initiatives.reminders import send_check_reminders as send

    return send()


@periodic(
    name="initiatives.check_links",
    schedule=Daily(time(2, 30)),
    description="Vérifie les liens publics des initiatives publiées (LINK_CHECK_BATCH par nuit).",
)
@job()
def check_links() -> int:
    from pepites.initiatives.links import check_links as check

    return check()


@periodic(
    name="initiatives.yearly_checkins",
    schedule=Daily(time(9, 30)),
    description=(
        "Bilan annuel : envoie aux porteurs (contact consentant) le lien privé pour confirmer, "
        "signaler l'arrêt ou proposer des modifications (CHECKIN_EVERY_DAYS, CHECKIN_BATCH)."
    ),
)
@job()
def send_yearly_checkins() -> int:
    from pepites.initiatives.checkins.services import send_yearly_checkins as send

    return send()
