"""The map data format (docs/format-carte.md) read by both sides: Python encodes a fixed
dataset, the bytes match the committed golden file, and the browser's own decoder
(worker.js, run in Node) reads them back to the same records.

After a deliberate change of the format: `python -m tests.initiatives.test_mapdata_golden`
rewrites the golden file (and docs/format-carte.md must say what changed)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import django
import pytest

if __name__ == "__main__":  # run as a script to rewrite the golden file
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

from pepites.initiatives import mapdata

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "data" / "mapdata-golden.bin"
DECODER = HERE / "mapdata_decode.mjs"
WORKER = HERE.parents[1] / "pepites" / "web" / "static" / "web" / "map" / "worker.js"

# pk, lat, lon, principal theme pk, commune, département, centre pk, relation to the QPV.
ROWS = [
    (5, 48.93615, 2.35753, 10, "93066", "93", 1, "dans"),
    (3, 45.76342, 4.83428, 11, "69381", "69", 2, "proximite"),
    (40, None, None, 12, "93066", "93", None, "hors"),
    (41, None, None, 10, "13201", "13", 1, ""),
    (7, -21.1151, 55.5364, 11, "97411", "974", None, ""),
    (70000, None, None, 10, "2A004", "2A", 2, ""),
]
LINKS = [(5, 10), (5, 11), (3, 11), (40, 12), (40, 10), (41, 10), (7, 11), (7, 12), (70000, 10)]

# What both decoders must read (flags: 1 in a QPV, 2 near, 4 approximate, 8 serving, 16 outside);
# programmes and labels: format 3.
EXPECTED = [
    {"id": 5, "lat": 48.93615, "lon": 2.35753, "theme": "emploi", "themes": ["emploi", "commerce"],
     "centre": "profession-banlieue", "commune": "93066", "departement": "93", "flags": 1, "programmes": ["cites-de-l-emploi", "npnru"], "labels": []},
    {"id": 3, "lat": 45.76342, "lon": 4.83428, "theme": "commerce", "themes": ["commerce"],
     "centre": "villes-au-carre", "commune": "69381", "departement": "69", "flags": 2, "programmes": [], "labels": ["publication-eco-1"]},
    # No point: at the located initiatives of its commune, approximate.
    {"id": 40, "lat": 48.93615, "lon": 2.35753, "theme": "numerique",
     "themes": ["emploi", "numerique"], "centre": None, "commune": "93066",
     "departement": "93", "flags": 4 | 16, "programmes": [], "labels": []},
    # No point and none in its commune: its département's prefecture.
    {"id": 41, "lat": 43.29695, "lon": 5.38107, "theme": "emploi", "themes": ["emploi"],
     "centre": "profession-banlieue", "commune": "13201", "departement": "13", "flags": 4, "programmes": [], "labels": []},
    {"id": 7, "lat": -21.1151, "lon": 55.5364, "theme": "commerce",
     "themes": ["commerce", "numerique"], "centre": None, "commune": "97411",
     "departement": "974", "flags": 8, "programmes": ["npnru"], "labels": []},
    # Nowhere to put it: no position.
    {"id": 70000, "lat": None, "lon": None, "theme": "emploi", "themes": ["emploi"],
     "centre": "villes-au-carre", "commune": "2A004", "departement": "2A", "flags": 4, "programmes": [], "labels": ["visite-possible"]},
]  # fmt: skip


def encode_fixed_dataset() -> bytes:
    built = mapdata.encode(
        version="golden-1",
        rows=ROWS,
        theme_links=LINKS,
        themes=[(10, "emploi"), (11, "commerce"), (12, "numerique")],
        centres=[(1, "profession-banlieue"), (2, "villes-au-carre")],
        departement_regions={"93": "11", "69": "84", "13": "93", "974": "04", "2A": "94"},
        commune_parents={"69381": "69123", "13201": "13055"},
        departement_centres={"13": (43.29695, 5.38107), "93": (48.91, 2.44)},
        serving_ids=[7],
        programmes=(["cites-de-l-emploi", "npnru"], [(5, 0), (5, 1), (7, 1)]),
        labels=(["visite-possible", "publication-eco-1"], [(3, 1), (70000, 0)]),
    )
    return built.raw


def records_from_python(raw: bytes) -> list[dict]:
    decoded = mapdata.decode(raw)
    header, columns = decoded["header"], decoded["columns"]
    communes = [header["communes"][k : k + 5] for k in range(0, len(header["communes"]), 5)]
    records = []
    for i in range(header["count"]):
        located = columns["lat"][i] != header["noPosition"]
        commune = columns["commune"][i]
        records.append(
            {
                "id": columns["id"][i],
                "lat": columns["lat"][i] / header["scale"] if located else None,
                "lon": columns["lon"][i] / header["scale"] if located else None,
                "theme": header["themes"][columns["theme"][i]],
                "themes": [
                    slug
                    for bit, slug in enumerate(header["themes"])
                    if columns["themes"][i] >> bit & 1
                ],
                "centre": header["centres"][columns["centre"][i] - 1]
                if columns["centre"][i]
                else None,
                "commune": communes[commune],
                "departement": header["departements"][header["commune_departements"][commune]],
                "flags": columns["flags"][i],
                "programmes": [
                    slug
                    for bit, slug in enumerate(header["programmes"])
                    if columns["programmes"][i] >> bit & 1
                ],
                "labels": [
                    slug
                    for bit, slug in enumerate(header["labels"])
                    if columns["labels"][i] >> bit & 1
                ],
            }
        )
    return records


def test_python_encodes_the_golden_bytes():
    assert encode_fixed_dataset() == GOLDEN.read_bytes(), (
        "Le format des données de la carte a changé : mettre à jour docs/format-carte.md, "
        "FORMAT (mapdata.py et worker.js) et le fichier de référence "
        "(python -m tests.initiatives.test_mapdata_golden)."
    )


def test_python_reads_the_golden_bytes_back():
    assert records_from_python(GOLDEN.read_bytes()) == EXPECTED


def test_the_browser_decoder_reads_the_same_records(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js introuvable")
    result = subprocess.run(
        [node, str(DECODER), WORKER.as_uri(), str(GOLDEN)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    decoded = json.loads(result.stdout)
    assert decoded["version"] == "golden-1"
    assert decoded["records"] == EXPECTED


if __name__ == "__main__":
    GOLDEN.write_bytes(encode_fixed_dataset())
    print(f"{GOLDEN} : {GOLDEN.stat().st_size} octets")
