"""The weekly digest of the saved searches (see pepites/core/jobs)."""

from datetime import time

from pepites.core.jobs import Daily, job, periodic


@periodic(
    name="alerts.weekly_digest",
    schedule=Daily(time(7, 0), weekday=0),
    description="Envoie à chaque abonné les nouvelles initiatives de sa recherche.",
)
@job()
def weekly_digest() -> int:
    from pepites.alerts.services import send_digests

    return send_digests()
