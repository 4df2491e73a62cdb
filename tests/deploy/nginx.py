"""nginx (the Debian package) run by a test as a child process, with the repository's
configuration files (deploy/nginx/) in a temporary prefix, on a free port."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from config.server import REPO_DIR

DEPLOY = REPO_DIR / "deploy" / "nginx"
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
)


def upstreams(addresses: list[str]) -> str:
    """deploy/nginx/pepites-upstreams.conf with its example servers replaced by `addresses`."""
    text = (DEPLOY / "pepites-upstreams.conf").read_text()
    examples = re.findall(r"server (10\.0\.0\.\d+:8000)", text)
    assert len(examples) == len(addresses), examples
    for example, address in zip(examples, addresses, strict=True):
        text = text.replace(f"server {example}", f"server {address}")
    return text


def with_cache_folder(text: str, folder: Path) -> str:
    """The upstreams file with its page cache in `folder` instead of /var/cache/nginx."""
    assert "/var/cache/nginx/pepites" in text
    return text.replace("/var/cache/nginx/pepites", str(folder / "cache"))


def main_config(folder: Path, http: str, *, workers: str = "1") -> Path:
    """A self-contained nginx.conf whose `http` block holds `http`; files stay in `folder`.
    Otherwise as Debian's /etc/nginx/nginx.conf (sendfile, an access log); `workers`:
    "auto" there (one per core), one for the tests."""
    for name in ("pepites-locations.conf", "pepites-proxy.conf"):
        (folder / "snippets").mkdir(exist_ok=True)
        shutil.copy(DEPLOY / name, folder / "snippets" / name)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;" if os.geteuid() == 0 else ""  # workers must write the temp folders
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes {workers};
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    sendfile on;
    tcp_nopush on;
    access_log {folder / "access.log"};
{temp}
{http}
}}
"""
    )
    return conf


def check_config(conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            NGINX,
            "-t",
            "-p",
            str(conf.parent),
            "-c",
            str(conf),
            "-e",
            str(conf.parent / "error.log"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@contextmanager
def running_nginx(
    folder: Path, port: int, app_servers: list[str], *, workers: str = "1"
) -> Iterator[str]:
    """nginx on 127.0.0.1:`port` in front of `app_servers` (host:port), with the repository's
    upstream, locations and proxy files. Each answer names the server that made it
    (X-Upstream, added by the test's own server block)."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = main_config(
        folder,
        with_cache_folder(upstreams(app_servers), folder)
        + f"""
server {{
    listen 127.0.0.1:{port};
    server_name localhost;
    add_header X-Upstream $upstream_addr always;
    include snippets/pepites-locations.conf;
}}""",
        workers=workers,
    )
    log = folder / "error.log"
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(log), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited ({process.returncode}):\n{log.read_text()}")
            try:
                httpx.get(f"{base_url}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not answer:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
