"""A proposal sent while the SMTP server is down: saved, the visitor thanked as usual, the
e-mails retried with backoff and delivered once the server is back (a real local server)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bench.common import free_port
from bench.smtpsink import SmtpSink
from pepites.core.jobs.email import send_email
from pepites.core.jobs.worker import run_pending
from pepites.initiatives.models import Proposal
from tests.contrib_helpers import proposal_form_post


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = False
    return port


def email_rows():
    return DBTaskResult.objects.filter(task_path=send_email.module_path)


def test_a_proposal_while_smtp_is_down_is_thanked_then_mailed_once_smtp_is_back(
    client, people, smtp_port
):
    # SMTP down: nothing listens on the port. The visitor sees the usual confirmation.
    response = client.post("/proposer/", proposal_form_post(), follow=True)
    assert response.status_code == 200
    assert "habitante@example.net" in response.content.decode()
    assert Proposal.objects.count() == 1
    assert email_rows().count() == 2  # receipt to the author, notice to the centre

    # The worker tries: refused; each e-mail goes back to the queue, due after its backoff.
    before = timezone.now()
    assert run_pending() == 2
    for row in email_rows():
        assert row.status == TaskResultStatus.READY
        assert len(row.worker_ids) == 1
        assert row.exception_class_path == "builtins.ConnectionRefusedError"
        assert row.run_after >= before + timedelta(seconds=59)
    assert run_pending() == 0  # not due yet

    with SmtpSink(smtp_port) as sink:
        # Time passes: the retries are due.
        email_rows().update(run_after=timezone.now() - timedelta(seconds=1))
        assert run_pending() == 2
        assert {tuple(m["To"].split(", ")) for m in sink.messages} >= {("habitante@example.net",)}
        assert any("membre.pb@example.org" in m["To"] for m in sink.messages)
        assert len(sink.messages) == 2
    assert set(email_rows().values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert run_pending() == 0  # sent once


def test_a_final_failure_is_kept_failed_and_logged(people, smtp_port, settings, caplog):
    send_email.enqueue(subject="Essai", body="Corps", to=["a@example.org"])
    for _attempt in range(settings.EMAIL_RETRIES):
        assert run_pending() == 1
        email_rows().update(run_after=timezone.now() - timedelta(seconds=1))
    with caplog.at_level("ERROR", logger="pepites.jobs"):
        assert run_pending() == 1
    row = email_rows().get()
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == settings.EMAIL_RETRIES + 1
    assert "failed for good" in caplog.text
