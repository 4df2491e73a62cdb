"""The state the job layer keeps beside the library's task rows (django_tasks_db)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class PeriodicJobState(models.Model):
    """When a periodic job is next due: the scheduler of every worker reads it, and only the
    one whose conditional UPDATE moves `next_run_at` enqueues the job."""

    name = models.CharField(_("nom"), max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(_("prochaine exécution"))
    last_enqueued_at = models.DateTimeField(_("dernier lancement"), null=True, blank=True)
    last_task_id = models.CharField(_("dernière tâche"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("tâche périodique")
        verbose_name_plural = _("tâches périodiques")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkerBeat(models.Model):
    """A running `pepites worker` process, seen every few seconds: the task a worker had
    claimed when it stopped beating was interrupted (killed, machine lost), and is given
    back to the queue or marked failed (scheduler.recover_interrupted)."""

    worker_id = models.CharField(_("identifiant"), max_length=64, primary_key=True)
    host = models.CharField(_("machine"), max_length=200)
    pid = models.PositiveIntegerField(_("processus"))
    started_at = models.DateTimeField(_("démarré le"))
    seen_at = models.DateTimeField(_("vu le"), db_index=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


class QueuedJob(DBTaskResult):
    """The library's task rows, as staff see them in the admin (in French)."""

    class Meta:
        proxy = True
        verbose_name = _("tâche en file")
        verbose_name_plural = _("tâches en file")
