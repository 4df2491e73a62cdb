"""A uMap export (points, names, descriptions, no commune) imported while the address
service does not answer: a clear message in bounded time (one call, then no more), the rows
kept to be placed later if asked, and placed by the job once the (local fake) BAN answers;
a point inside a QPV of one commune gets its commune offline."""

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.imports.models import PendingPlacement
from pepites.initiatives.imports.pending import place_pending_rows
from pepites.initiatives.imports.report import CREATE, DEFERRED, INVALID
from pepites.initiatives.models import Initiative, InitiativeStatus
from tests.initiatives import import_files as files
from tests.territories.fake_ban import FakeBan
from tests.territories.qpv_fixtures import at, import_sample_qpvs

pytestmark = pytest.mark.django_db


@pytest.fixture
def ban(settings):
    server = FakeBan().start()
    settings.GEOCODER_URL = server.url
    settings.GEOCODER_TIMEOUT = 1
    settings.GEOCODER_RETRIES = 1
    settings.GEOCODER_BUDGET = 2
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    yield server
    server.stop()


def unreachable(ban: FakeBan) -> None:
    """The next answers of /reverse come too late (the service hangs)."""
    for _ in range(10):
        ban.then("/reverse", delay=1.5, status=504)


def test_the_import_says_the_service_is_unreachable_in_bounded_time(reference_data, ban):
    unreachable(ban)
    started = time.monotonic()
    report = run_import(files.umap_bytes(), ImportOptions(filename="carte.umap"))
    elapsed = time.monotonic() - started
    assert elapsed < 6, elapsed  # one geocoding budget, not one per row
    assert ban.count("/reverse") <= 2  # the circuit opened after the first failure
    assert report.counts[INVALID] == 3
    for row in report.rows:
        assert "Service d'adresses injoignable" in row.errors[0].message
        assert "introuvable" not in row.errors[0].message
    assert any("ne répond pas" in p.message for p in report.file_problems)
    assert not report.committed
    assert Initiative.objects.count() == 0


def test_rows_kept_then_placed_by_the_job_once_the_service_answers(people, ban):
    unreachable(ban)
    report = run_import(
        files.umap_bytes(),
        ImportOptions(
            filename="carte.umap",
            place_later=True,
            status=InitiativeStatus.PUBLISHED,
            user=people.member,
            centre_slug="profession-banlieue",
        ),
    )
    assert report.counts[DEFERRED] == 3
    assert report.committed
    assert "gardées" in report.summary()
    assert Initiative.objects.count() == 0
    assert PendingPlacement.objects.count() == 3

    client = Client()
    client.force_login(people.member)
    upload_page = client.get(reverse("imports:upload")).content.decode()
    assert "en attente de leur commune" in upload_page
    assert "Job dating au pied des tours" in upload_page

    # The service still hangs: the job tries once and keeps the rows.
    counts = place_pending_rows()
    assert counts["waiting"] == 3 and counts["placed"] == 0
    assert "injoignable" in PendingPlacement.objects.first().last_error

    ban.scripted.clear()  # the service answers again
    assert place_pending_rows() == {"placed": 3, "waiting": 0, "failed": 0}
    assert PendingPlacement.objects.count() == 0
    created = Initiative.objects.order_by("title")
    assert created.count() == 3
    assert {i.commune_id for i in created} == {"93066"}
    assert all(i.status == InitiativeStatus.PUBLISHED for i in created)
    assert all(i.latitude is not None and i.organisation_id for i in created)
    # A re-import of the same file now updates nothing: the rows are known.
    again = run_import(files.umap_bytes(), ImportOptions(filename="carte.umap"))
    assert again.counts[CREATE] == 0


def test_a_point_in_a_qpv_of_one_commune_is_placed_offline(reference_data, ban, tmp_path):
    import_sample_qpvs(tmp_path)
    unreachable(ban)
    point = at(100, 100)  # inside QN09301M (Saint-Denis alone), off its hole
    document = json.loads(files.umap_bytes())
    document["layers"] = document["layers"][:1]
    document["layers"][0]["features"] = document["layers"][0]["features"][:1]
    document["layers"][0]["features"][0]["geometry"]["coordinates"] = [
        point["longitude"],
        point["latitude"],
    ]
    report = run_import(json.dumps(document).encode(), ImportOptions(filename="carte.umap"))
    assert report.counts[CREATE] == 1, [p.text() for p in report.errors]
    assert ban.count("/reverse") == 0
    assert report.rows[0].commune.startswith("Saint-Denis")
