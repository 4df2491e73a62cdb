"""`pepites worker --once`: due periodic jobs enqueued, pending tasks run, then it stops."""

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pepites.core.jobs.email import send_email
from pepites.core.jobs.models import PeriodicJobState, WorkerBeat

pytestmark = pytest.mark.django_db(transaction=True)  # the scheduler thread reads too


def test_worker_once(capsys, mailoutbox):
    send_email.enqueue(subject="Bonjour", body="b", to=["a@example.org"])
    call_command("worker", "--once")
    assert "1 tâche(s) exécutée(s)." in capsys.readouterr().out
    assert [m.subject for m in mailoutbox] == ["Bonjour"]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert PeriodicJobState.objects.filter(name="ratelimit.purge").exists()  # scheduled
    assert not WorkerBeat.objects.exists()  # gone with the worker


def test_a_worker_of_the_default_queue_leaves_the_long_builds(capsys, mailoutbox):
    from pepites.initiatives.exports.files import build_open_data_files

    build = build_open_data_files.enqueue()
    send_email.enqueue(subject="Vite", body="b", to=["a@example.org"])
    call_command("worker", "--once", "--queue", "default")
    assert "1 tâche(s) exécutée(s)." in capsys.readouterr().out
    assert [m.subject for m in mailoutbox] == ["Vite"]
    waiting = DBTaskResult.objects.get(id=build.id)
    assert waiting.queue_name == "bulk" and waiting.status == TaskResultStatus.READY
    call_command("worker", "--once")  # a worker of every queue takes it
    waiting.refresh_from_db()
    assert waiting.status == TaskResultStatus.SUCCESSFUL


def test_a_bulk_worker_gives_way_to_the_web_servers(capsys, monkeypatch):
    import os

    lowered = []
    monkeypatch.setattr(os, "nice", lambda increment: lowered.append(increment) or increment)
    call_command("worker", "--once", "--queue", "bulk", "--nice", "10")
    assert lowered == [10]
    with pytest.raises(SystemExit):
        call_command("worker", "--once", "--nice", "40")
    assert "--nice doit être compris entre 0 et 19 (reçu : 40)." in capsys.readouterr().err
    assert lowered == [10]  # refused before anything changed
