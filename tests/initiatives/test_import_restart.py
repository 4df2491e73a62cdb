"""An import survives the loss of its worker: a real `pepites worker` process killed in the
middle, another started; the import is resumed and ends done, written once (killed a second time,
it would be reported failed, with nothing written: test_imports). SIGTERM lets the current
import finish."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from pepites.initiatives.imports import jobs
from pepites.initiatives.imports.models import ImportJob
from pepites.initiatives.models import Initiative
from tests.initiatives import import_files as files

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 400


def many_rows(count: int) -> list[list]:
    base = files.GOOD_ROWS
    rows = []
    for n in range(count):
        row = list(base[n % len(base)])
        row[0] = f"{row[0]} n° {n}"
        rows.append(row)
    return rows


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "GEOCODER_URL": "http://127.0.0.1:9",
        "GEOCODER_RETRIES": "0",
        "JOBS_WORKER_LOST_AFTER": "1",
        "JOBS_SCHEDULER_INTERVAL": "1",
    }
    pepites = Path(sys.executable).parent / "pepites"
    with log.open("a") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [str(pepites), "worker", "--interval", "0.1"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}:\n{log.read_text()[-3000:]}"
        time.sleep(0.05)


def test_an_import_survives_the_loss_of_its_worker(people, tmp_path):
    log = tmp_path / "worker.log"
    job = jobs.create(
        user=people.member,
        filename="recensement.csv",
        data=files.csv_bytes(files.table(many_rows(ROWS))),
        centre_slug="profession-banlieue",
        status="brouillon",
    )
    jobs.start(job, write=True)

    def fresh() -> ImportJob:
        return ImportJob.objects.get(pk=job.pk)

    first = start_worker(log)
    try:
        wait_for(
            lambda: fresh().stage == "check" and fresh().done > 0,
            timeout=120,
            what="the first worker never started the import",
            log=log,
        )
    finally:
        first.kill()  # no goodbye: a crash, or a machine lost
        first.wait()
    assert fresh().state == jobs.WRITING
    assert Initiative.objects.count() == 0

    second = start_worker(log)
    try:
        # Given back to the queue by the new worker's recovery, then run again from the start.
        def resumed() -> bool:
            task = DBTaskResult.objects.get(pk=job.task_id)
            return len(task.worker_ids) == 2 and fresh().done > 0

        wait_for(
            resumed,
            timeout=120,
            what="the import was not resumed",
            log=log,
        )
        second.send_signal(signal.SIGTERM)  # a deploy: the current import is finished first
        second.wait(timeout=180)
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
    final = fresh()
    assert final.state == jobs.DONE, log.read_text()[-3000:]
    assert final.report["committed"]
    assert Initiative.objects.count() == ROWS  # written once, completely
    assert second.returncode == 0, log.read_text()[-3000:]
