"""A point checked against its commune: by the outline when loaded, else by distance to the
commune's (or its département's) reference point."""

import pytest

from pepites.core.services import DatasetOrigin
from pepites.territories.commune_outlines import read_commune_outlines
from pepites.territories.models import Commune
from pepites.territories.reference_points import check_point_in_commune, commune_outline
from pepites.territories.services import import_commune_outlines
from tests.territories.commune_samples import commune_outlines_gz

pytestmark = pytest.mark.django_db


def test_without_outlines_the_distance_to_the_departements_point(reference_data):
    saint_denis = Commune.objects.get(code="93066")
    inside = check_point_in_commune(commune=saint_denis, latitude=48.93, longitude=2.36)
    assert not inside.outside and inside.basis == "departement"
    cher = check_point_in_commune(commune=saint_denis, latitude=47.76, longitude=2.386)
    assert cher.outside and 120_000 < cher.distance_m < 140_000
    assert commune_outline(saint_denis) is None


def test_with_outlines_the_outline_decides(reference_data, tmp_path):
    path = tmp_path / "communes.geojson.gz"
    path.write_bytes(commune_outlines_gz())
    import_commune_outlines(
        shapes=read_commune_outlines(path),
        origin=DatasetOrigin(version="t", source="t", licence="Licence Ouverte 2.0"),
    )
    saint_denis = Commune.objects.get(code="93066")
    assert not check_point_in_commune(commune=saint_denis, latitude=48.93, longitude=2.36).outside
    montreuil = check_point_in_commune(commune=saint_denis, latitude=48.862, longitude=2.443)
    assert montreuil.outside and montreuil.basis == "outline" and montreuil.distance_m > 1_000
    # An arrondissement: its city's outline.
    paris_19 = Commune.objects.get(code="75119")
    assert commune_outline(paris_19)["type"] == "MultiPolygon"
    assert not check_point_in_commune(commune=paris_19, latitude=48.88, longitude=2.38).outside
