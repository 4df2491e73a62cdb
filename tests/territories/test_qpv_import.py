"""`pepites import_qpv`: idempotent import of the outlines, its report, and the refusal of
a malformed file with nothing changed."""

import io

import pytest
from django.core.management import CommandError, call_command

from pepites.core.errors import ImportFileError
from pepites.core.models import ReferenceDataset
from pepites.initiatives.models import InitiativeQpv
from pepites.initiatives.placement.services import import_qpv
from pepites.territories.models import Qpv, QpvCommune
from pepites.territories.qpv_files import read_qpv_file
from tests.initiatives.helpers import new_initiative
from tests.territories.qpv_samples import (
    SAINT_DENIS_L93,
    feature_collection,
    point_at,
    write_geojson,
)

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Everything the import writes, to compare before and after."""
    return {
        "qpv": list(Qpv.objects.order_by("code").values()),
        "communes": list(
            QpvCommune.objects.order_by("qpv", "position").values_list("qpv", "commune_code")
        ),
        "datasets": list(ReferenceDataset.objects.order_by("name").values()),
        "links": list(InitiativeQpv.objects.order_by("pk").values()),
    }


def run(path, *args) -> str:
    out = io.StringIO()
    call_command("import_qpv", str(path), *args, stdout=out)
    return out.getvalue()


def test_import_stores_outlines_communes_and_generation(reference_data, tmp_path):
    output = run(write_geojson(tmp_path / "qpv.geojson"))
    assert "5 ajoutés" in output and "Import terminé" in output
    assert Qpv.objects.count() == 5
    puits = Qpv.objects.get(code="QN09301M")
    assert (puits.generation, puits.departement_id, puits.region_id) == ("2024", "93", "11")
    assert puits.name == "Quartier du Puits"
    # 600 m square less a 200 m hole, measured on the ellipsoid.
    assert puits.area_m2 == pytest.approx(600 * 600 - 200 * 200, rel=2e-3)
    assert puits.min_longitude < puits.longitude < puits.max_longitude
    assert puits.min_latitude < puits.latitude < puits.max_latitude
    assert list(
        QpvCommune.objects.filter(qpv_id="QN09302M").values_list("commune_code", flat=True)
    ) == ["93066", "93048"]
    reunion = Qpv.objects.get(code="QN97401M")
    assert (reunion.departement_id, reunion.region_id) == ("974", "04")
    dataset = ReferenceDataset.objects.get(name="qpv-2024")
    assert dataset.counts == {"qpv": 5}


def test_running_it_twice_changes_nothing(reference_data, tmp_path):
    path = write_geojson(tmp_path / "qpv.geojson")
    run(path)
    lon, lat = point_at(SAINT_DENIS_L93, 100, 100, 2154)
    new_initiative(latitude=lat, longitude=lon)
    before = snapshot()
    output = run(path)
    assert "0 ajoutés" in output and "0 modifiés" in output and "0 retirés" in output
    assert "5 inchangés" in output and "Aucun changement" in output
    assert snapshot() == before


def test_a_new_edition_reports_added_changed_and_removed(reference_data, tmp_path):
    run(write_geojson(tmp_path / "qpv.geojson"))
    collection = feature_collection()
    features = collection["features"]
    features[0]["properties"]["lib_qp"] = "Quartier du Puits-Renouvelé"
    removed = features.pop(4)["properties"]["code_qp"]
    added = dict(features[2], properties={**features[2]["properties"], "code_qp": "QN09304M"})
    features[2] = {**features[2], "properties": {**features[2]["properties"], "insee_com": "93066"}}
    features.append(added)
    report = import_qpv(data=read_qpv_file(write_geojson(tmp_path / "v2.geojson", collection)))
    assert report.added == ("QN09304M",)
    assert report.changed == ("QN09301M", "QN09303M")
    assert report.removed == (removed,)
    assert report.unchanged == 2
    assert Qpv.objects.get(code="QN09301M").name == "Quartier du Puits-Renouvelé"
    assert not Qpv.objects.filter(code=removed).exists()
    assert list(
        QpvCommune.objects.filter(qpv_id="QN09303M").values_list("commune_code", flat=True)
    ) == ["93066"]


def test_partial_file_removes_nothing(reference_data, tmp_path):
    run(write_geojson(tmp_path / "qpv.geojson"))
    collection = feature_collection()
    collection["features"] = collection["features"][:1]
    output = run(write_geojson(tmp_path / "part.geojson", collection), "--partial")
    assert "0 retirés" in output
    assert Qpv.objects.count() == 5


def test_an_older_list_is_kept_apart(reference_data, tmp_path):
    run(write_geojson(tmp_path / "qpv.geojson"))
    collection = feature_collection()
    for feature in collection["features"]:
        feature["properties"]["code_qp"] = "QP" + feature["properties"]["code_qp"][2:]
    report = import_qpv(data=read_qpv_file(write_geojson(tmp_path / "2015.geojson", collection)))
    assert len(report.added) == 5 and not report.removed
    assert Qpv.objects.filter(generation="2015").count() == 5
    assert Qpv.objects.filter(generation="2024").count() == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["features"][3]["properties"].update(code_qp="QN0930"), "code_qp"),
        (
            lambda c: c["features"][1]["properties"].update(insee_dep="99"),
            "département « 99 » inconnu",
        ),
        (lambda c: c["features"][1]["properties"].update(insee_reg="84"), "ne correspond pas"),
        (lambda c: c["features"][4].update(geometry=None), "contour absent"),
    ],
)
def test_malformed_file_is_rejected_and_nothing_changes(reference_data, tmp_path, change, message):
    run(write_geojson(tmp_path / "qpv.geojson"))
    new_initiative(latitude=48.93, longitude=2.36)
    before = snapshot()
    collection = feature_collection()
    collection["features"][0]["properties"]["lib_qp"] = "Changement qui ne doit pas passer"
    change(collection)
    with pytest.raises(CommandError, match=message) as caught:
        run(write_geojson(tmp_path / "bad.geojson", collection))
    assert "Aucune modification" in str(caught.value)
    assert "bad.geojson" in str(caught.value)
    assert snapshot() == before


def test_truncated_file_is_rejected(reference_data, tmp_path):
    path = write_geojson(tmp_path / "qpv.geojson")
    truncated = tmp_path / "truncated.geojson"
    text = path.read_text()
    truncated.write_text(text[: len(text) // 2])
    with pytest.raises(CommandError, match="JSON invalide"):
        run(truncated)
    assert not Qpv.objects.exists()


def test_the_cog_must_be_loaded_first(db, tmp_path):
    with pytest.raises(ImportFileError, match="load_territories"):
        import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))
