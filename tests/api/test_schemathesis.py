"""The API against its own OpenAPI schema, fuzzed by Schemathesis on a real server
(Granian as `make serve` starts it, throwaway SQLite database): no 5xx, and every answer
matches the schema (status codes, content types, bodies). Bounded to stay within about a
minute."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.live_server import live_server

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


@pytest.mark.slow
def test_the_api_conforms_to_its_schema(tmp_path: Path):
    schemathesis = Path(sys.executable).parent / "schemathesis"
    with live_server(tmp_path) as base_url:
        result = subprocess.run(
            [
                str(schemathesis),
                "run",
                f"{base_url}/api/v1/openapi.json",
                "--checks",
                CHECKS,
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "25",
                "--max-time",
                "45",
                "--seed",
                "20240312",
                "--workers",
                "1",
                # The machine is shared: a slow answer is retried, never taken for a bug.
                "--request-timeout",
                "30",
                "--request-retries",
                "2",
                "--generation-database",
                "none",
                "--no-color",
                "--header",
                f"Authorization: Bearer {(tmp_path / 'token.txt').read_text()}",
                "--report",
                "junit",
                "--report-dir",
                str(tmp_path / "report"),
            ],
            cwd=tmp_path,  # its cache folder (.schemathesis/) stays out of the repository
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        server_log = (tmp_path / "server.log").read_text()
    (tmp_path / "schemathesis.txt").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, (
        result.stdout[-8000:] + result.stderr[-3000:] + server_log[-3000:]
    )
