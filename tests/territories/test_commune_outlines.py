"""Commune outlines (Etalab's contours administratifs): fetched like the QPV, loaded with
each commune's reference point, and a point's commune found offline by the index."""

from io import StringIO

import pytest
from django.core.management import call_command

from pepites.core.models import ReferenceDataset
from pepites.territories.commune_index import commune_index, communes_for_points
from pepites.territories.models import Commune, CommuneOutline
from tests.territories.commune_samples import commune_outlines_gz
from tests.territories.fake_datagouv import COMMUNES_SLUG

pytestmark = pytest.mark.django_db
FOLDER = "contours-administratifs/2025/geojson/"


def fetch(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("fetch_reference_geodata", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def publish(fake, content: bytes, *, name="communes-100m.geojson.gz", **options):
    return fake.publish(name, content, slug=COMMUNES_SLUG, folder=FOLDER, **options)


def test_fetching_the_commune_outlines_and_finding_a_points_commune(reference_data, datagouv):
    publish(datagouv, b"x" * 50, last_modified="2025-01-01", name="communes-1000m.geojson.gz")
    publish(datagouv, commune_outlines_gz(), last_modified="2025-02-03T00:00:00")
    out, err = fetch()
    assert "Contours des communes importés (2025 communes-100m (2025-02-03))" in out, err
    assert "1 codes inconnus du COG ignorés" in out  # 99999
    assert CommuneOutline.objects.count() == 5
    dataset = ReferenceDataset.objects.get(name="communes-contours")
    assert dataset.licence == "Licence Ouverte 2.0" and dataset.checksum.startswith("sha1:")
    # The reference point comes from the outline (here the square's centre).
    saint_denis = Commune.objects.get(code="93066")
    assert (saint_denis.longitude, saint_denis.latitude) == pytest.approx((2.357, 48.929))
    assert Commune.objects.get(code="59350").latitude is None  # Lille: no outline here

    points = [
        (2.36, 48.93),  # Saint-Denis
        (2.44, 48.87),  # Montreuil
        (55.46, -20.9),  # Saint-Denis (La Réunion)
        (2.3825, 48.93),  # just outside Saint-Denis's square (about 40 m): the nearest
        (-3.0, 47.5),  # far from every outline
    ]
    assert communes_for_points(points) == ["93066", "93048", "97411", "93066", ""]
    index = commune_index()
    assert index.contains("93066", 2.36, 48.93) is True
    assert index.contains("93066", 2.44, 48.87) is False
    assert index.contains("59350", 3.0, 50.6) is None
    assert 5_000 < index.distance_m("93066", 2.44, 48.87) < 6_000

    # Second run: nothing downloaded, nothing changed; a new vintage is imported.
    downloads = [p for p, _r in datagouv.requests if p.startswith("/fichiers/")]
    assert len(downloads) == 1
    out, _err = fetch()
    assert "Contours des communes à jour" in out
    assert len([p for p, _r in datagouv.requests if p.startswith("/fichiers/")]) == 1
    publish(datagouv, commune_outlines_gz(shift=0.01), last_modified="2026-02-03T00:00:00")
    out, _err = fetch()
    assert "(2026-02-03)" in out
    assert Commune.objects.get(code="93048").longitude == pytest.approx(2.453)
    assert communes_for_points([(2.47, 48.87)]) == ["93048"]  # the index follows


def test_a_corrupted_commune_file_is_refused_with_nothing_changed(reference_data, datagouv):
    publish(datagouv, commune_outlines_gz(), last_modified="2025-02-03T00:00:00", mode="corrupt")
    _out, err = fetch()
    assert "Contours des communes non importés" in err and "empreinte" in err
    assert not CommuneOutline.objects.exists()
    assert not ReferenceDataset.objects.filter(name="communes-contours").exists()
    assert communes_for_points([(2.36, 48.93)]) == [""]
