"""The health endpoint that the process supervisor and the load balancer poll."""

import pytest
from django.db import connection
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_answers_ok_with_the_database_reachable(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": connection.vendor}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_a_database_failure(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("unreachable")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "OperationalError"}


@pytest.mark.django_db
def test_readiness_reports_each_check_as_json(client):
    response = client.get(reverse("readiness"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "media_storage", "disk", "job_queue"}
    assert body["checks"]["job_queue"]["pending"] == 0
    assert body["checks"]["database"]["vendor"] == connection.vendor
    assert body["checks"]["disk"]["var"]["free_mb"] > 0
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_full_disk_takes_the_instance_out_of_traffic(client, settings):
    settings.HEALTH_MIN_FREE_MB = 10**12  # more than any disk: "full"
    response = client.get(reverse("readiness"))
    assert response.status_code == 503
    assert response.json()["checks"]["disk"]["status"] == "failed"


@pytest.mark.django_db
def test_a_failing_media_storage_degrades_the_instance(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "a-file"
    settings.MEDIA_ROOT.write_text("not a folder")
    response = client.get(reverse("readiness"))
    assert response.status_code == 200
    check = response.json()["checks"]["media_storage"]
    assert check["status"] == "degraded" and "Error" in check["error"]


@pytest.mark.django_db
def test_a_check_is_plugged_in_by_its_dotted_path(client, settings):
    settings.HEALTH_CHECKS = [*settings.HEALTH_CHECKS, "tests.core.test_health.backlog"]
    body = client.get(reverse("readiness")).json()
    assert body["status"] == "degraded"
    assert body["checks"]["backlog"] == {
        "status": "degraded",
        "ms": body["checks"]["backlog"]["ms"],
        "pending": 12,
    }


def backlog():
    from pepites.core.health import DEGRADED, Check

    return Check(DEGRADED, {"pending": 12})


@pytest.mark.django_db
def test_jobs_waiting_for_a_worker_degrade_the_instance(client, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from pepites.core.jobs.email import send_email

    send_email.enqueue(subject="a", body="b", to=["x@example.org"])
    assert client.get(reverse("readiness")).json()["checks"]["job_queue"]["status"] == "ok"
    # No worker took it for ten minutes: still served (200), but not healthy.
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    response = client.get(reverse("readiness"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["job_queue"]["status"] == "degraded"
    assert body["checks"]["job_queue"]["pending"] == 1
