"""`pepites fetch_reference_geodata` against a local server playing data.gouv.fr: first
fetch, nothing to do the second time, a new vintage, a truncated or corrupted file refused
with nothing changed, a download resumed, and no network at all."""

import hashlib
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.common import free_port
from pepites.core.models import ReferenceDataset
from pepites.territories.models import Qpv
from tests.territories.qpv_samples import feature_collection

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
QPV_FILE = "QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson"


def official_geojson(*, rename: str = "") -> bytes:
    collection = feature_collection()
    if rename:
        collection["features"][0]["properties"]["lib_qp"] = rename
    return json.dumps(collection).encode()


def fetch(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("fetch_reference_geodata", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def state() -> tuple:
    return (
        sorted(Qpv.objects.values_list("code", "name", "outline")),
        sorted(ReferenceDataset.objects.values_list("name", "version", "checksum", "url")),
    )


def downloads(fake) -> list[str]:
    return [path for path, _range in fake.requests if path.startswith("/fichiers/")]


def test_first_fetch_imports_then_nothing_changes_then_a_new_vintage(reference_data, datagouv):
    content = official_geojson()
    datagouv.publish("zonage_qpv_2015.geojson", b"{}", last_modified="2016-01-01T00:00:00")
    datagouv.publish(QPV_FILE, content, last_modified="2025-03-12T10:00:00")

    out, err = fetch()
    assert "Contours officiels des QPV importés (QP2024 (2025-03-12), liste 2024)" in out, err
    assert Qpv.objects.filter(is_demo=False).count() == len(feature_collection()["features"])
    dataset = ReferenceDataset.objects.get(name="qpv-2024")
    assert dataset.version == "QP2024 (2025-03-12)"
    assert dataset.licence == "Licence Ouverte 2.0"
    assert dataset.checksum == f"sha1:{hashlib.sha1(content).hexdigest()}"
    assert dataset.url == datagouv.file_url(QPV_FILE)
    assert downloads(datagouv) == [f"/fichiers/{QPV_FILE}"]  # the 2015 file is not taken

    # Second run: the API is asked, nothing is downloaded, nothing changes.
    before = state()
    out, _err = fetch()
    assert "à jour" in out and "aucun changement" in out
    assert state() == before and len(downloads(datagouv)) == 1
    # make setup's --if-missing does not even ask (only for the communes' outlines, missing).
    asked = len(datagouv.requests)
    out, _err = fetch("--if-missing")
    assert "déjà importés" in out
    assert [p for p, _r in datagouv.requests[asked:]] == [
        "/api/1/datasets/contours-administratifs/"
    ]

    # A new vintage (another checksum, a later date) is detected and imported.
    datagouv.publish(
        QPV_FILE, official_geojson(rename="Nouveau nom"), last_modified="2026-02-01T00:00:00"
    )
    out, _err = fetch()
    assert "QP2024 (2026-02-01)" in out and "1 modifiés" in out
    assert Qpv.objects.filter(name="Nouveau nom").count() == 1
    assert ReferenceDataset.objects.get(name="qpv-2024").version == "QP2024 (2026-02-01)"


@pytest.mark.parametrize("mode", ["truncate", "corrupt"])
def test_a_truncated_or_corrupted_download_is_refused_with_nothing_changed(
    reference_data, datagouv, settings, mode
):
    datagouv.publish(QPV_FILE, official_geojson(), last_modified="2025-03-12T10:00:00")
    fetch()
    before = state()
    datagouv.publish(
        QPV_FILE,
        official_geojson(rename="Jamais importé"),
        last_modified="2026-02-01T00:00:00",
        mode=mode,
    )
    out, err = fetch()
    assert "refusé" in err and "Aucune modification enregistrée" in err
    assert ("tronqué" if mode == "truncate" else "empreinte sha1") in err
    assert "liste officielle déjà importée est conservée" in out
    assert state() == before
    assert not any(Path(settings.GEODATA_DIR).glob("*.part"))  # nothing unverified kept
    with pytest.raises(CommandError):
        fetch("--strict")


def test_an_interrupted_download_resumes_where_it_stopped(reference_data, datagouv):
    datagouv.publish(QPV_FILE, official_geojson(), last_modified="2025-03-12T10:00:00")
    datagouv.resources[-1].mode = "cut_once"
    out, err = fetch()
    assert "importés" in out, err
    files = [r for r in datagouv.requests if r[0].startswith("/fichiers/")]
    assert len(files) == 2 and files[0][1] == "" and re.match(r"bytes=\d+-", files[1][1])


def test_a_pinned_file_is_checked_against_its_sha256(reference_data, datagouv, settings):
    content = official_geojson()
    datagouv.publish(QPV_FILE, content, last_modified="2025-03-12T10:00:00")
    settings.QPV_RESOURCE_URL = datagouv.file_url(QPV_FILE)
    settings.QPV_RESOURCE_SHA256 = "0" * 64
    _out, err = fetch()
    assert "empreinte sha256" in err and not Qpv.objects.filter(is_demo=False).exists()
    settings.QPV_RESOURCE_SHA256 = hashlib.sha256(content).hexdigest()
    out, _err = fetch()
    assert "importés" in out
    assert not any("quartiers" in path for path, _range in datagouv.requests)


def test_without_network_the_demo_outlines_and_a_clear_message(reference_data, settings, tmp_path):
    settings.QPV_DATASET_API_URL = f"http://127.0.0.1:{free_port()}/api/1/datasets/qpv/"
    settings.GEODATA_DIR = tmp_path
    settings.GEODATA_RETRIES = 0
    settings.QPV_RESOURCE_URL = ""
    out, err = fetch("--if-missing")  # no exception: make setup goes on
    assert "127.0.0.1 n'est pas joignable" in err
    assert "Contours de démonstration en place" in out
    assert Qpv.objects.filter(is_demo=True).count() >= 15
    # Run again offline: nothing changes; GEODATA_OFFLINE does not even try.
    before = state()
    settings.GEODATA_OFFLINE = True
    out, err = fetch()
    assert "hors ligne" in err and state() == before


def test_an_official_fetch_replaces_the_demo_outlines(reference_data, datagouv):
    fetch("--offline")
    assert Qpv.objects.filter(is_demo=True).exists()
    datagouv.publish(QPV_FILE, official_geojson(), last_modified="2025-03-12T10:00:00")
    out, _err = fetch("--if-missing")
    assert "contours de démonstration retirés" in out
    assert not Qpv.objects.filter(is_demo=True).exists()
    assert not ReferenceDataset.objects.filter(name="qpv-demo").exists()


def test_make_setup_fetches_the_outlines_before_the_demo_content():
    makefile = (ROOT / "Makefile").read_text()
    setup = makefile.split("\nsetup:", 1)[1].split("\n\n", 1)[0]
    steps = [line.split("$(PEPITES) ", 1)[1] for line in setup.splitlines() if "$(PEPITES)" in line]
    assert steps.index("load_reference_data") < steps.index("fetch_reference_geodata --if-missing")
    assert steps.index("fetch_reference_geodata --if-missing") < steps.index("demo --if-empty")
