"""One build of the map's data per change for the whole deployment: queued, coalesced,
switched atomically, and old versions kept while a process may still serve them."""

import gzip
import time
from datetime import timedelta

import brotli
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pepites.initiatives import mapbuild, mapdata, mapstore
from pepites.initiatives.mapversions import MapDataVersion
from pepites.initiatives.services import update_initiative
from tests.initiatives.helpers import new_initiative

pytestmark = pytest.mark.django_db


def served_ids(client) -> list[int]:
    response = client.get(reverse("map_data"), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    return mapdata.decode(gzip.decompress(response.content))["columns"]["id"]


def waiting_builds() -> int:
    return DBTaskResult.objects.filter(
        task_path=mapbuild.build_map_data.module_path, status=TaskResultStatus.READY
    ).count()


@pytest.fixture(autouse=True)
def no_delay(settings):
    settings.MAPDATA_VERSION_SECONDS = 0


def test_a_burst_of_writes_makes_one_build_of_the_latest_data(client, sample_initiatives, run_jobs):
    served_ids(client)  # the first version, built at the first request
    drafts = [new_initiative(title=f"Brouillon {n}") for n in range(4)]
    assert waiting_builds() == 1  # created as drafts: one build queued, not four
    for draft in drafts:
        update_initiative(initiative=draft, expected_version=draft.version, status="publiee")
    assert waiting_builds() == 1
    assert run_jobs() == 1
    assert {d.pk for d in drafts} <= set(served_ids(client))
    assert MapDataVersion.objects.count() == 2


def test_the_previous_version_is_served_while_a_build_is_stored_but_not_switched(
    client, sample_initiatives
):
    before = served_ids(client)
    draft = sample_initiatives["draft"]
    update_initiative(initiative=draft, expected_version=draft.version, status="publiee")
    # A build half done: its version stored, the pointer not moved yet.
    built = mapdata.build()
    mapbuild._store(built, read_at=timezone.now(), seconds=0.1)
    assert served_ids(client) == before
    assert mapstore.current_version() != built.version


def test_the_previous_version_is_served_after_a_failed_build(
    client, sample_initiatives, run_jobs, monkeypatch
):
    before = served_ids(client)
    version = mapstore.current_version()
    draft = sample_initiatives["draft"]
    update_initiative(initiative=draft, expected_version=draft.version, status="publiee")

    def out_of_memory(*args, **kwargs):
        raise MemoryError("compression impossible")

    monkeypatch.setattr(brotli, "compress", out_of_memory)
    run_jobs()
    task = DBTaskResult.objects.get(task_path=mapbuild.build_map_data.module_path)
    assert task.status == TaskResultStatus.READY  # given back to the queue, to be retried
    assert "compression impossible" in str(task.exception_class_path) + str(task.traceback)
    assert served_ids(client) == before
    assert mapstore.current_version() == version
    monkeypatch.undo()
    task.run_after = timezone.now()  # the retry, without waiting for its backoff
    task.save()
    run_jobs()
    assert draft.pk in served_ids(client)


def test_no_version_is_pruned_while_a_process_may_still_serve_it(
    client, sample_initiatives, settings, run_jobs
):
    served_ids(client)
    first = mapstore.current_version()
    garage = sample_initiatives["garage"]
    garage = update_initiative(
        initiative=garage, expected_version=garage.version, status="archivee"
    )
    run_jobs()
    # Superseded a moment ago: kept for the grace period.
    assert MapDataVersion.objects.filter(version=first).exists()
    assert MapDataVersion.objects.get(version=first).superseded_at is not None
    settings.MAPDATA_GRACE_SECONDS = 0
    time.sleep(0.01)
    assert mapbuild.prune() == 1
    assert not MapDataVersion.objects.filter(version=first).exists()
    assert MapDataVersion.objects.count() == 1  # the current one is never pruned


def test_a_process_asking_for_a_pruned_version_serves_the_current_one(
    client, sample_initiatives, settings, run_jobs
):
    served_ids(client)
    first = mapstore.current_version()
    garage = sample_initiatives["garage"]
    update_initiative(initiative=garage, expected_version=garage.version, status="archivee")
    run_jobs()
    MapDataVersion.objects.filter(version=first).update(
        superseded_at=timezone.now() - timedelta(days=1)
    )
    mapbuild.prune()
    # A process that read the pointer before the switch and has not loaded the bytes yet.
    mapstore.forget_current()
    settings.MAPDATA_VERSION_SECONDS = 3600
    mapstore._Current.version, mapstore._Current.checked = first, time.monotonic()
    assert garage.pk not in served_ids(client)
    assert mapstore.current_version() != first


def test_an_older_build_never_replaces_a_newer_one(sample_initiatives):
    mapbuild.build_latest()
    current = mapbuild.current_version()
    stale = mapdata.build(version="plus-ancienne")
    stored = mapbuild._store(stale, read_at=timezone.now() - timedelta(minutes=5), seconds=1)
    mapbuild._switch(stored, read_at=timezone.now() - timedelta(minutes=5))
    assert mapbuild.current_version() == current
    assert MapDataVersion.objects.get(version="plus-ancienne").superseded_at is not None


def test_nothing_to_build_when_the_data_did_not_change(sample_initiatives):
    assert mapbuild.build_latest().built
    again = mapbuild.build_latest()
    assert not again.built
    assert MapDataVersion.objects.count() == 1


def test_nothing_built_and_the_first_build_fails(client, sample_initiatives, monkeypatch):
    def out_of_memory(*args, **kwargs):
        raise MemoryError("compression impossible")

    monkeypatch.setattr(brotli, "compress", out_of_memory)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "donnees.bin?v=indisponible" in home.content.decode()
    data = client.get(reverse("map_data"))
    assert data.status_code == 503
    assert data["Retry-After"] == "60"
    assert "indisponibles" in data.content.decode()
