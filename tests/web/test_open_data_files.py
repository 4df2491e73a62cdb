"""The open-data files of every published initiative: built once per data version by a
job, stored in the media storage, sent with an ETag, 304 and byte ranges like static files."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pepites.initiatives.exports import files
from pepites.initiatives.mapversions import OpenDataBuild
from pepites.initiatives.services import update_initiative
from pepites.web.initiatives.stored_files import byte_range

pytestmark = pytest.mark.django_db


def url(fmt: str = "csv") -> str:
    return reverse("open_data_export", args=[fmt])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def queued_builds() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=files.build_open_data_files.module_path, status=TaskResultStatus.READY
        )
    )


def test_the_first_download_streams_and_queues_the_build(client, sample_initiatives, run_jobs):
    first = client.get(url())
    assert first.status_code == 200
    assert "ETag" not in first  # streamed: nothing built yet
    streamed = body(first)
    assert len(queued_builds()) == 1
    run_jobs()
    build = OpenDataBuild.objects.get()
    assert default_storage.exists(files.stored_name(build.version, "csv"))
    stored = client.get(url())
    assert stored["ETag"] == f'"{build.version}-csv"'
    assert stored["Accept-Ranges"] == "bytes"
    assert stored["Content-Length"] == str(build.sizes["csv"])
    assert 'filename="pepites-initiatives-' in stored["Content-Disposition"]
    content = body(stored)
    assert content == streamed
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert len(rows) == 1 + 3  # the header and the three published initiatives


def test_revalidation_and_ranges(client, sample_initiatives, django_assert_max_num_queries):
    build = files.build_files()
    whole = body(client.get(url()))
    etag = f'"{build.version}-csv"'
    # The build row, and what every request reads (the filter form: themes, programmes, labels
    # and the publication labels, territories, centres).
    with django_assert_max_num_queries(8):
        again = client.get(url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    part = client.get(url(), HTTP_RANGE="bytes=10-29")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-29/{len(whole)}"
    assert body(part) == whole[10:30]
    tail = client.get(url(), HTTP_RANGE="bytes=-7")
    assert body(tail) == whole[-7:]
    outside = client.get(url(), HTTP_RANGE=f"bytes={len(whole)}-")
    assert outside.status_code == 416
    assert outside["Content-Range"] == f"bytes */{len(whole)}"
    # A range asked for another version of the file: the whole current file.
    changed = client.get(url(), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"autre-csv"')
    assert changed.status_code == 200 and body(changed) == whole
    for fmt in ("geojson", "xlsx"):
        answer = client.get(url(fmt))
        assert answer.status_code == 200
        assert len(body(answer)) == build.sizes[fmt] > 0


def test_a_write_queues_one_delayed_build_and_the_previous_files_are_served(
    client, sample_initiatives, run_jobs, settings
):
    build = files.build_files()
    garage = sample_initiatives["garage"]
    garage = update_initiative(
        initiative=garage, expected_version=garage.version, title="Un garage renommé"
    )
    update_initiative(initiative=garage, expected_version=garage.version, summary="Autre.")
    (queued,) = queued_builds()  # two writes, one build
    assert queued.run_after > timezone.now() + timedelta(
        seconds=settings.OPENDATA_BUILD_DELAY_SECONDS - 30
    )
    served = client.get(url())
    assert served["ETag"] == f'"{build.version}-csv"'
    assert b"Un garage renomm" not in body(served)
    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now())
    run_jobs()
    newer = client.get(url())
    assert newer["ETag"] != served["ETag"]
    assert "Un garage renommé" in body(newer).decode("utf-8")


def test_filtered_exports_are_still_built_for_the_request(client, sample_initiatives):
    files.build_files()
    answer = client.get(url(), {"thematique": "ess"})
    assert answer.status_code == 200 and "ETag" not in answer


def test_replaced_files_are_kept_for_the_grace_period(sample_initiatives, settings):
    old = files.build_files()
    garage = sample_initiatives["garage"]
    update_initiative(initiative=garage, expected_version=garage.version, summary="Neuf.")
    new = files.build_files()
    assert files.prune() == 0  # replaced a moment ago: a download may be under way
    OpenDataBuild.objects.filter(pk=old.pk).update(built_at=timezone.now() - timedelta(hours=3))
    OpenDataBuild.objects.filter(pk=new.pk).update(built_at=timezone.now() - timedelta(hours=2))
    assert files.prune() == 1
    assert not default_storage.exists(files.stored_name(old.version, "csv"))
    assert default_storage.exists(files.stored_name(new.version, "csv"))


def test_byte_range_forms():
    assert byte_range("", 100) is None
    assert byte_range("bytes=0-0", 100) == (0, 0)
    assert byte_range("bytes=90-", 100) == (90, 99)
    assert byte_range("bytes=90-500", 100) == (90, 99)
    assert byte_range("bytes=-500", 100) == (0, 99)
    assert byte_range("bytes=100-", 100) is False
    assert byte_range("bytes=5-2", 100) is False
    assert byte_range("bytes=0-1,5-6", 100) is None  # several ranges: the whole file
    assert byte_range("lignes=1-2", 100) is None
