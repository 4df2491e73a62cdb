"""Logs: one JSON object per line with the request id; the id is kept from the proxy when
well-formed, otherwise generated, and returned in X-Request-ID; errors optionally reported
to a Sentry-compatible service (here a local fake one)."""

from __future__ import annotations

import gzip
import json
import logging
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest

from pepites.core.logging import JsonFormatter, RequestIdFilter

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines():
    """The lines the project's handler would print, formatted as in production."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)


@pytest.mark.django_db
def test_a_well_formed_incoming_id_is_kept_and_logged(client, json_lines):
    response = client.get("/page-absente/", HTTP_X_REQUEST_ID="proxy-id-1234abcd")
    assert response["X-Request-ID"] == "proxy-id-1234abcd"
    (line,) = [json.loads(x) for x in json_lines if "page-absente" in x]
    assert line["request_id"] == "proxy-id-1234abcd"
    assert (line["level"], line["logger"]) == ("WARNING", "django.request")
    assert line["message"] == "Not Found: /page-absente/"
    assert line["time"].endswith("+00:00") and line["status_code"] == 404


@pytest.mark.parametrize("incoming", ["", "court", "a b c d e f g h", "x" * 200, "id\nforged"])
@pytest.mark.django_db
def test_a_missing_or_malformed_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_exceptions_and_extra_fields_stay_on_one_json_line():
    logger = logging.getLogger("pepites.test")
    try:
        raise ValueError("boum")
    except ValueError:
        record = logger.makeRecord(
            "pepites.test",
            logging.ERROR,
            __file__,
            1,
            "échec %s",
            ("x",),
            sys.exc_info(),
            extra={"initiative": 42},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "échec x" and data["initiative"] == 42
    assert "ValueError: boum" in data["exception"]


@pytest.mark.parametrize(
    ("path", "header", "dt_ms", "created"),
    [
        ("/", "-", 0.25, 1733356800.0),
        ('/a "b"\\é?q=1', "3f2a-id", 12.0, 1733356800.9994),
        ("/\u2028\x01", "-", 1e-05, 1733356859.5),
    ],
)
def test_an_access_line_is_the_line_the_general_formatter_writes(path, header, dt_ms, created):
    """Granian's access log (a line per request) has its own quick writer: same bytes."""
    from granian.log import log_request_builder

    from config.server import ACCESS_LOG_JSON

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    access = logging.getLogger("granian.access")
    handler = Keep()
    access.addHandler(handler)
    level, access.level = access.level, logging.INFO
    try:
        request = {
            "addr_remote": "127.0.0.1",
            "path": path,
            "qs": "x=é",
            "method": "GET",
            "scheme": "http",
            "protocol": "HTTP/1.1",
            "headers": lambda name: header,
        }
        log_request_builder(ACCESS_LOG_JSON)(created, 0.0, request, 304)
    finally:
        access.removeHandler(handler)
        access.level = level
    (record,) = records
    record.created = created
    record.args["dt_ms"] = dt_ms
    formatter = JsonFormatter()
    line = formatter.format(record)
    assert line == formatter.format_any(record)
    data = json.loads(line)
    assert data["path"] == path and data["status"] == 304 and data["logger"] == "granian.access"
    assert data.get("request_id", "-") == header


class _FakeSentry(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "br":
            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_go_to_a_sentry_compatible_service_when_sentry_dsn_is_set(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    script = (
        "import django, logging, sentry_sdk; django.setup();"
        "logging.getLogger('pepites.test').error('Échec signalé au service');"
        "sentry_sdk.flush(5)"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            env={
                "PATH": "/usr/bin:/bin",
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "PEPITES_VAR_DIR": str(tmp_path),
                "SENTRY_DSN": f"http://cle@127.0.0.1:{server.server_port}/7",
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    (path, body), *_ = _FakeSentry.received
    assert path == "/api/7/envelope/"
    envelope = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
    assert "Échec signalé au service" in str(envelope)
