"""`python -m config.server` (what `make run` starts) runs job-queue workers beside the web
server: a queued e-mail reaches a real local SMTP server; SIGTERM stops them all."""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from bench.common import free_port
from bench.smtpsink import SmtpSink
from config.server import REPO_DIR
from pepites.core.jobs.email import send_email
from pepites.core.jobs.models import WorkerBeat
from tests.initiatives.test_import_restart import database_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_server_runs_a_worker_and_stops_it(tmp_path):
    smtp, web = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PEPITES_BIND": f"127.0.0.1:{web}",
        "SECRET_KEY": "embedded-worker-test-" + "k" * 40,
        "WEB_CONCURRENCY": "1",
        "PEPITES_EMBEDDED_WORKER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp),
        "JOBS_SCHEDULER_INTERVAL": "1",
    }
    log = tmp_path / "server.log"
    with SmtpSink(smtp) as sink, log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "config.server"],
            cwd=REPO_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, log.read_text()
                try:
                    if httpx.get(f"http://127.0.0.1:{web}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            send_email.enqueue(subject="Bonjour", body="Corps", to=["a@example.org"])
            while not sink.messages:
                assert time.monotonic() < deadline + 60, log.read_text()
                time.sleep(0.2)
            assert sink.messages[0]["Subject"] == "Bonjour"
            # Two workers: every queue, and "default" only (config/server.py).
            worker_pids = list(WorkerBeat.objects.values_list("pid", flat=True))
            assert len(worker_pids) == 2
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    assert server.returncode == 0, log.read_text()
    for worker_pid in worker_pids:
        with pytest.raises(ProcessLookupError):
            os.kill(worker_pid, 0)  # the workers stopped with the server
    assert not WorkerBeat.objects.exists()  # and said goodbye
