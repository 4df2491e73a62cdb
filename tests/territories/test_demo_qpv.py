"""Demonstration QPV outlines: installed without an official list, flagged, placed against,
never mixed with an official list and removed by its import."""

from collections import Counter

import pytest

from pepites.core.errors import ImportFileError
from pepites.core.models import ReferenceDataset
from pepites.initiatives.demo import load_demo
from pepites.initiatives.models import Initiative, InitiativeQpv
from pepites.initiatives.placement.services import install_demo_qpvs
from pepites.territories.demo_qpv import demo_qpv_file
from pepites.territories.models import Qpv, QpvGeneration
from pepites.territories.qpv_files import read_qpv_file
from pepites.territories.selectors import current_qpv_generation, qpv_list_is_demo
from pepites.territories.services import import_qpv
from tests.territories.qpv_samples import write_geojson

pytestmark = pytest.mark.django_db


def test_demo_file_is_clearly_named_and_coded():
    data = demo_qpv_file()
    assert data.generation == QpvGeneration.DEMO
    assert len(data.features) >= 15
    for feature in data.features:
        assert feature.code.startswith("QD")
        assert feature.name.endswith("(démonstration)")
        assert feature.geometry.is_valid and feature.geometry.area > 0
    assert len({f.code for f in data.features}) == len(data.features)


def test_demonstration_initiatives_are_placed_against_the_demo_outlines(full_reference_data):
    report = install_demo_qpvs()
    assert report is not None and len(report.added) == len(demo_qpv_file().features)
    assert current_qpv_generation() == QpvGeneration.DEMO and qpv_list_is_demo()
    assert set(Qpv.objects.values_list("is_demo", flat=True)) == {True}
    dataset = ReferenceDataset.objects.get(name="qpv-demo")
    assert "démonstration" in dataset.source

    load_demo()
    relations = Counter(Initiative.objects.values_list("qpv_relation", flat=True))
    assert relations["dans"] >= 10
    assert relations["proximite"] >= 2
    assert relations["hors"] >= 10
    epicerie = Initiative.objects.get(title="Épicerie solidaire du quartier des Francs-Moisins")
    assert epicerie.qpv_relation == "dans" and epicerie.nearest_qpv_code == "QD09301D"
    flandre = Initiative.objects.get(title__startswith="Des ordinateurs reconditionnés")
    assert flandre.qpv_relation == "proximite" and 0 < flandre.nearest_qpv_distance_m < 300
    # Some demonstration QPV have no initiative: the gaps dashboard has something to show.
    linked = set(InitiativeQpv.objects.values_list("qpv_code", flat=True))
    assert {"QD09303D", "QD09201D", "QD07701D"}.isdisjoint(linked)

    # Installing again changes nothing.
    again = install_demo_qpvs()
    assert again is not None and not again.has_changes


def test_an_official_list_replaces_the_demo_outlines(reference_data, tmp_path):
    install_demo_qpvs(place=False)
    official = read_qpv_file(write_geojson(tmp_path / "qpv.geojson"))
    report = import_qpv(data=official)
    assert report.demo_removed == len(demo_qpv_file().features)
    assert report.has_changes
    assert not Qpv.objects.filter(is_demo=True).exists()
    assert current_qpv_generation() == "2024" and not qpv_list_is_demo()
    assert not ReferenceDataset.objects.filter(name="qpv-demo").exists()
    # Never mixed: the demonstration outlines are not installed beside an official list…
    assert install_demo_qpvs() is None
    assert not Qpv.objects.filter(is_demo=True).exists()
    # …even when asked directly.
    with pytest.raises(ImportFileError, match="liste officielle"):
        import_qpv(data=demo_qpv_file())
