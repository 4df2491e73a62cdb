"""The core's periodic jobs (see pepites/core/jobs)."""

from __future__ import annotations

from datetime import time, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pepites.core import backups, ratelimit
from pepites.core.jobs import Daily, Every, job, periodic


@periodic(
    name="ratelimit.purge",
    schedule=Every(timedelta(hours=1)),
    description="Supprime les événements comptés (propositions, connexions) de plus d'un jour.",
)
@job()
def purge_ratelimit() -> int:
    return ratelimit.purge()


@periodic(
    name="jobs.prune",
    schedule=Daily(time(4, 30)),
    description="Supprime les tâches réussies après JOBS_KEEP_DAYS jours, en échec après 90.",
)
@job()
def prune_finished_jobs() -> int:
    now = timezone.now()
    succeeded = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - timedelta(days=settings.JOBS_KEEP_DAYS),
    )
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__lt=now - timedelta(days=90)
    )
    return succeeded.delete()[0] + failed.delete()[0]


@periodic(
    name="backup.nightly",
    schedule=Daily(time(1, 30)),
    description="Sauvegarde de la base et des médias, puis conservation (BACKUP_KEEP_*).",
)
@job()
def nightly_backup() -> str:
    result = backups.run_scheduled_backup()
    return result.path.name if result else ""
