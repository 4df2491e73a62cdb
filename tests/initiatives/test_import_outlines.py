"""A point-only import (uMap) with the geocoder unreachable: every row is placed in its
commune through the communes' outlines, offline."""

import pytest

from bench.common import free_port
from pepites.core.services import DatasetOrigin
from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.models import Initiative
from pepites.territories.commune_outlines import read_commune_outlines
from pepites.territories.services import import_commune_outlines
from tests.initiatives import import_files as files
from tests.territories.commune_samples import commune_outlines_gz

pytestmark = pytest.mark.django_db


def test_a_point_only_import_is_placed_by_the_outlines_without_geocoder(
    reference_data, settings, tmp_path
):
    settings.GEOCODER_URL = f"http://127.0.0.1:{free_port()}"  # nobody listens
    settings.GEOCODER_RETRIES = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    path = tmp_path / "communes-100m.geojson.gz"
    path.write_bytes(commune_outlines_gz())
    import_commune_outlines(
        shapes=read_commune_outlines(path),
        origin=DatasetOrigin(version="test", source="test", licence="Licence Ouverte 2.0"),
    )
    report = run_import(files.umap_bytes(), ImportOptions(filename="carte.umap"))
    assert report.committed, [p.text() for p in report.errors]
    assert Initiative.objects.count() == 3
    assert set(Initiative.objects.values_list("commune_id", flat=True)) == {"93066"}


def test_without_outlines_an_unreachable_geocoder_leaves_the_rows_unplaced(
    reference_data, settings
):
    settings.GEOCODER_URL = f"http://127.0.0.1:{free_port()}"
    settings.GEOCODER_RETRIES = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    report = run_import(files.umap_bytes(), ImportOptions(filename="carte.umap"))
    assert not report.committed
    # Issue 16: the service is said to be unreachable (the commune exists, it did not answer).
    assert any("Service d'adresses injoignable" in p.text() for p in report.errors)
