"""The workspace's import: upload, preview with every problem, confirm, progress (the work
is queued and run by a worker, here in this process: these tests commit their data)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pepites.core.jobs.worker import run_pending
from pepites.initiatives.imports import jobs
from pepites.initiatives.models import Initiative
from tests.initiatives import import_files as files

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_geocoder(settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9"  # no network: addresses stay unplaced
    settings.GEOCODER_RETRIES = 0


def wait(client, token: str) -> dict:
    """Queued, not run inside the request; then a worker's pass runs it."""
    assert client.get(f"/espace/import/{token}/avancement.json").json()["state"] == jobs.WAITING
    assert run_pending(limit=1) == 1  # the import (which may queue the map's build)
    return client.get(f"/espace/import/{token}/avancement.json").json()


def upload(client, data: bytes, name: str, **fields):
    post = {
        "file": SimpleUploadedFile(name, data),
        "centre": "profession-banlieue",
        "status": "brouillon",
    }
    post.update(fields)
    response = client.post("/espace/import/", post)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_who_may_import(client, people):
    assert client.get("/espace/import/").status_code == 302  # to the login page
    client.force_login(people.outsider)
    assert client.get("/espace/import/").status_code == 403
    client.force_login(people.member)
    page = client.get("/espace/import/")
    assert page.status_code == 200
    assert [c[0] for c in page.context["form"].fields["centre"].choices] == ["profession-banlieue"]


def test_upload_preview_then_confirm(client, people):
    client.force_login(people.member)
    token = upload(client, files.csv_bytes(files.table(files.GOOD_ROWS)), "recensement.csv")
    assert wait(client, token)["state"] == jobs.CHECKED
    page = client.get(f"/espace/import/{token}/")
    html = page.content.decode()
    assert "3 initiatives à créer" in html
    assert "Garage solidaire de Beauval" in html and "sans position" in html
    assert "Confirmer l&#x27;import" in html or "Confirmer l'import" in html
    assert Initiative.objects.count() == 0

    # A column read differently, then checked again.
    client.post(f"/espace/import/{token}/colonnes", {"col_L": "ignorer"})
    assert wait(client, token)["state"] == jobs.CHECKED
    assert jobs.load(token).mapping == {"L": "ignorer"}

    client.post(f"/espace/import/{token}/confirmer")
    assert wait(client, token)["state"] == jobs.DONE
    assert Initiative.objects.count() == 3
    assert set(Initiative.objects.values_list("centre__slug", flat=True)) == {"profession-banlieue"}
    assert not Initiative.objects.filter(links__isnull=False).exists()  # "Site web" ignored
    page = client.get(f"/espace/import/{token}/").content.decode()
    assert "Import terminé" in page and "3 initiatives créées" in page

    # Someone else's job is nobody else's business.
    client.force_login(people.manager)
    assert client.get(f"/espace/import/{token}/").status_code == 404
    assert client.get(f"/espace/import/{token}/avancement.json").status_code == 404


def test_a_file_with_errors_cannot_be_confirmed(client, people):
    client.force_login(people.member)
    token = upload(client, files.xlsx_bytes(files.table(files.messy_rows())), "recensement.xlsx")
    wait(client, token)
    html = client.get(f"/espace/import/{token}/").content.decode()
    assert "Rien n&#x27;a été importé" in html or "Rien n'a été importé" in html
    assert "Thématique inconnue" in html and "Code postal « 932000 » invalide" in html
    assert f"/espace/import/{token}/confirmer" not in html
    client.post(f"/espace/import/{token}/confirmer")
    assert jobs.load(token).state == jobs.CHECKED
    assert Initiative.objects.count() == 0


def test_an_unreadable_file_is_explained(client, people):
    client.force_login(people.member)
    token = upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "ancien.xls")
    wait(client, token)
    assert "Ancien format Excel" in client.get(f"/espace/import/{token}/").content.decode()


def test_a_job_whose_task_failed_for_good_shows_as_failed(people):
    from django_tasks_db.models import DBTaskResult

    job = jobs.create(user=people.member, filename="a.csv", data=b"Titre\r\n", status="brouillon")
    jobs.start(job, write=False)
    assert jobs.progress(jobs.load(job.token))["state"] == jobs.WAITING
    DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED")  # interrupted twice
    assert jobs.progress(jobs.load(job.token))["state"] == jobs.FAILED
    assert jobs.load("../../etc") is None


def test_a_superseded_check_changes_nothing(people):
    job = jobs.create(user=people.member, filename="a.csv", data=b"Titre\r\n", status="brouillon")
    jobs.start(job, write=False)
    first = job.task_id
    jobs.start(job, write=False)  # columns remapped meanwhile: another check queued
    assert jobs.run(job_id=job.pk, write=False, task_id=first) == "superseded"
    assert jobs.load(job.token).state == jobs.CHECKING
