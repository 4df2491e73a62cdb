"""The essaimage domain's periodic job (see pepites/core/jobs)."""

from datetime import time

from pepites.core.jobs import Daily, job, periodic


@periodic(
    name="essaimage.remind_unanswered",
    schedule=Daily(time(8, 30)),
    description="Relance les centres pour les demandes d'essaimage restées sans réponse.",
)
@job()
def remind_unanswered() -> int:
    from pepites.essaimage.services import send_reminders

    return send_reminders()
