"""The demonstration figures: loaded with the demonstration outlines only, marked as such,
removed with them."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from pepites.core.models import ReferenceDataset
from pepites.initiatives.placement.services import import_qpv, install_demo_qpvs
from pepites.territories.indicator_files import DEMO_INDICATORS_DATASET_NAME
from pepites.territories.models import QpvIndicator
from pepites.territories.qpv_files import read_qpv_file
from tests.territories.qpv_samples import write_geojson

pytestmark = pytest.mark.django_db


def load_demo():
    out = io.StringIO()
    call_command("import_qpv_indicators", demo=True, stdout=out)
    return out.getvalue()


def test_not_loaded_without_demonstration_outlines(reference_data):
    assert "Pas de contours de démonstration" in load_demo()
    assert not QpvIndicator.objects.exists()


def test_demo_figures_on_the_demo_qpv_page_then_removed_by_an_official_list(
    client, reference_data, tmp_path
):
    install_demo_qpvs(place=False)
    assert "18 QPV, 19 territoires de référence" in load_demo()
    assert "Aucun changement." in load_demo()
    assert ReferenceDataset.objects.get(name=DEMO_INDICATORS_DATASET_NAME).source.startswith(
        "Pépites : chiffres fictifs de démonstration"
    )
    content = client.get("/quartiers/QD09301D/").content.decode()
    card = content[content.index('id="titre-chiffres"') : content.index('id="titre-carte"')]
    assert "Chiffres de démonstration" in card and "(démonstration)" in card
    assert "Commune : Saint-Denis" in card and "%" in card
    gaps = client.get("/territoires/manques/").context["report"]
    populations = [q.population for q in gaps.qpvs_without]
    assert None not in populations and populations == sorted(populations, reverse=True)

    import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))
    assert not QpvIndicator.objects.exists()
    assert not ReferenceDataset.objects.filter(name=DEMO_INDICATORS_DATASET_NAME).exists()
    assert "Pas de contours de démonstration" in load_demo()


def test_make_setup_loads_the_demo_figures_after_the_outlines():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    setup = makefile.split("\nsetup:", 1)[1].split("\n\n", 1)[0]
    steps = [line.split("$(PEPITES) ", 1)[1] for line in setup.splitlines() if "$(PEPITES)" in line]
    fetch = steps.index("fetch_reference_geodata --if-missing")
    assert fetch < steps.index("import_qpv_indicators --demo")
