"""The nginx configuration of deploy/nginx/: the whole site passes `nginx -t` (with a
throwaway certificate), and the proxy settings do what docs/deploiement.md says, checked
against a small local server that echoes what it receives."""

import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from bench.common import free_port
from tests.deploy.nginx import (
    DEPLOY,
    NGINX,
    check_config,
    main_config,
    running_nginx,
    with_cache_folder,
)

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx absent (apt-get install nginx)")


def test_the_whole_site_configuration_is_valid(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl absent: no certificate to check the HTTPS server with")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=pepites.example.org",
            "-keyout",
            str(tmp_path / "privkey.pem"),
            "-out",
            str(tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = (DEPLOY / "pepites.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/pepites.example.org/", f"{tmp_path}/")
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    example_upstreams = with_cache_folder((DEPLOY / "pepites-upstreams.conf").read_text(), tmp_path)
    done = check_config(main_config(tmp_path, example_upstreams + site))
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


class Echo(BaseHTTPRequestHandler):
    """Answers every GET with the request's path and headers, as JSON."""

    def do_GET(self):
        body = json.dumps({"path": self.path, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_the_proxy_forwards_the_client_and_survives_a_stopped_server(tmp_path, echo_server):
    stopped = f"127.0.0.1:{free_port()}"  # nothing listens there: a server being restarted
    with (
        running_nginx(tmp_path, free_port(), [stopped, echo_server]) as proxy,
        httpx.Client(base_url=proxy, timeout=10) as client,
    ):
        for _ in range(4):  # round robin: half of them first go to the stopped server
            answer = client.get("/carte/", headers={"X-Forwarded-For": "6.6.6.6"})
            assert answer.status_code == 200
            received = answer.json()["headers"]
            # The visitor cannot choose the address it is counted under (login lockout).
            assert received["X-Forwarded-For"] == "127.0.0.1"
            assert received["X-Forwarded-Proto"] == "http"
            assert received["Host"] == "127.0.0.1"
            assert len(received["X-Request-ID"]) == 32
        # Readiness details are answered to the local network only (here, 127.0.0.1).
        assert client.get("/healthz/ready").status_code == 200
        assert "nginx/" not in client.get("/").headers.get("server", "")
        too_big = client.post("/compte/connexion/", content=b"x" * (26 * 1024 * 1024))
        assert too_big.status_code == 413
