"""The job layer: periodic jobs on schedule (time given by the test), exactly once across
workers; the backlog; staff's « Relancer »; tasks of a dead worker given back."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pepites.core.jobs import Daily, Every, registry, scheduler
from pepites.core.jobs.email import send_email
from pepites.core.jobs.models import PeriodicJobState, WorkerBeat
from pepites.core.jobs.selectors import backlog
from pepites.core.jobs.worker import discover, run_pending
from pepites.core.models import RateLimitHit

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime(2026, 3, 2, 10, 0))  # a Monday, 10:00 in Paris


def test_schedules():
    assert Every(timedelta(hours=1)).next_after(T0) == T0 + timedelta(hours=1)
    nightly = Daily(time(3, 0))
    assert timezone.localtime(nightly.next_after(T0)).isoformat() == "2026-03-03T03:00:00+01:00"
    weekly = Daily(time(8, 0), weekday=0)  # Mondays 08:00: today's is past, next week's
    assert timezone.localtime(weekly.next_after(T0)).date().isoformat() == "2026-03-09"
    # Across the change to summer time (29 March 2026) the local hour is kept.
    assert timezone.localtime(nightly.next_after(T0 + timedelta(days=27))).hour == 3
    assert str(weekly) == "chaque lundi à 08:00"


def test_the_rate_limit_purge_runs_on_schedule_once_across_workers():
    discover()
    assert "ratelimit.purge" in registry.PERIODIC_JOBS
    RateLimitHit.objects.create(key="old", created_at=timezone.now() - timedelta(days=2))
    RateLimitHit.objects.create(key="recent", created_at=timezone.now())
    assert "ratelimit.purge" not in scheduler.tick(now=T0)  # first sight: scheduled
    state = PeriodicJobState.objects.get(name="ratelimit.purge")
    assert state.next_run_at == T0 + timedelta(hours=1)
    assert "ratelimit.purge" not in scheduler.tick(now=T0 + timedelta(minutes=59))
    due = T0 + timedelta(hours=1)
    # Two workers see it due at the same moment: only one conditional UPDATE wins.
    assert "ratelimit.purge" in scheduler.tick(now=due)
    assert "ratelimit.purge" not in scheduler.tick(now=due)
    tasks = DBTaskResult.objects.filter(task_path__endswith="purge_ratelimit")
    assert tasks.count() == 1
    assert run_pending() >= 1
    assert tasks.get().status == TaskResultStatus.SUCCESSFUL
    assert list(RateLimitHit.objects.values_list("key", flat=True)) == ["recent"]
    assert PeriodicJobState.objects.get(name="ratelimit.purge").next_run_at == due + timedelta(
        hours=1
    )


def test_a_stale_read_of_the_schedule_enqueues_nothing():
    discover()
    scheduler.tick(now=T0)
    state = PeriodicJobState.objects.get(name="ratelimit.purge")
    due = state.next_run_at
    # Another worker ran it meanwhile: the row moved on, this worker's UPDATE matches nothing.
    PeriodicJobState.objects.filter(name=state.name).update(next_run_at=due + timedelta(hours=1))
    assert "ratelimit.purge" not in scheduler.tick(now=due)


def test_backlog():
    now = timezone.now()
    assert backlog(now=now).as_dict() == {
        "pending": 0,
        "oldest_pending_seconds": None,
        "failed_last_24h": 0,
        "running": 0,
    }
    send_email.enqueue(subject="a", body="b", to=["x@example.org"])
    DBTaskResult.objects.update(enqueued_at=now - timedelta(minutes=5))
    send_email.using(run_after=now + timedelta(hours=1)).enqueue(subject="a", body="b", to=["y"])
    failed = send_email.enqueue(subject="a", body="b", to=["z"])
    DBTaskResult.objects.filter(pk=failed.id).update(
        status=TaskResultStatus.FAILED, finished_at=now - timedelta(hours=1)
    )
    current = backlog(now=now)
    assert current.pending == 1  # the delayed one is not due yet
    assert 299 <= current.oldest_pending_seconds <= 301
    assert current.failed_last_24h == 1
    assert backlog(now=now + timedelta(days=2)).failed_last_24h == 0


def test_staff_retry_a_failed_job_from_the_admin(client, people, mailoutbox):
    result = send_email.enqueue(subject="Relance", body="b", to=["x@example.org"])
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        worker_ids=["w1", "w2"],
        exception_class_path="builtins.ConnectionRefusedError",
    )
    client.force_login(people.member)  # not staff
    assert client.get("/admin/core/queuedjob/").status_code == 302
    client.force_login(people.national)
    listing = client.get("/admin/core/queuedjob/?status__exact=FAILED")
    assert listing.status_code == 200
    assert "ConnectionRefusedError" in listing.content.decode()
    response = client.post(
        "/admin/core/queuedjob/",
        {"action": "retry", "_selected_action": [str(result.id)]},
        follow=True,
    )
    assert "1 tâche remise en file." in response.content.decode()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY and len(row.worker_ids) == 2
    assert run_pending() == 1
    assert [m.subject for m in mailoutbox] == ["Relance"]


def test_the_task_of_a_dead_worker_is_given_back_then_failed(settings):
    settings.JOBS_WORKER_LOST_AFTER = 60
    now = timezone.now()
    result = send_email.enqueue(subject="a", body="b", to=["x@example.org"])
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=now - timedelta(minutes=5), worker_ids=["dead"]
    )
    WorkerBeat.objects.create(
        worker_id="alive", host="h", pid=1, started_at=now, seen_at=now - timedelta(seconds=5)
    )
    assert scheduler.recover_interrupted(now=now) == 1
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY  # e-mails are retried: back in the queue
    # A task claimed by a live worker is left alone.
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead", "alive"]
    )
    assert scheduler.recover_interrupted(now=now) == 0
    # Once its attempts are spent, an interrupted task fails for good, said so.
    DBTaskResult.objects.filter(pk=result.id).update(worker_ids=["x"] * 7 + ["dead"])
    assert scheduler.recover_interrupted(now=now) == 1
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert "worker" in row.traceback


def test_the_nightly_backup_is_a_periodic_job(settings, tmp_path):
    discover()
    assert str(registry.PERIODIC_JOBS["backup.nightly"].schedule) == "chaque jour à 01:30"
    settings.BACKUP_DIR = str(tmp_path)
    settings.BACKUP_PERIODIC = False  # a systemd timer does it on another machine
    from pepites.core.tasks import nightly_backup

    nightly_backup.enqueue()
    run_pending()
    assert list(tmp_path.iterdir()) == []
