"""The compact id list of the map's search (docs/format-carte.md): encoded in Python,
decoded the same by Python and by the browser's module (explorer-ids.js, run in Node)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pepites.web.initiatives.idlists import delta_decode, delta_encode

MODULE = (
    Path(__file__).resolve().parents[2]
    / "pepites"
    / "web"
    / "static"
    / "web"
    / "map"
    / "explorer-ids.js"
)
CASES = [
    [],
    [42],
    [9, 8, 7, 3, 1],  # newest first: small positive differences
    [120_000, 5, 99_999, 99_998, 1_099_511_627_775, 1],  # a ranked head, then a run
]


@pytest.mark.parametrize("ids", CASES)
def test_round_trip(ids):
    assert delta_decode(delta_encode(ids)) == ids


def test_a_run_newest_first_is_small_numbers():
    assert delta_encode([100, 97, 96, 90]) == [100, 3, 1, 6]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_the_browser_decodes_the_same_ids():
    script = (
        f"const {{ decodeIds }} = await import({json.dumps(MODULE.as_uri())});"
        "const cases = JSON.parse(process.argv[1]);"
        "process.stdout.write(JSON.stringify(cases.map(decodeIds)));"
    )
    encoded = json.dumps([delta_encode(ids) for ids in CASES])
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script, encoded],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout) == CASES
