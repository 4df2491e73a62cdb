"""A local stand-in for data.gouv.fr at the HTTP boundary: the dataset API
(/api/1/datasets/<slug>/, in its real format) and the files of its resources, with Range
support; it can serve a file truncated, corrupted, or cut once in the middle."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from bench.common import free_port

QPV_SLUG = "quartiers-prioritaires-de-la-politique-de-la-ville-qpv"
COMMUNES_SLUG = "contours-administratifs"


@dataclass
class Published:
    """A resource of the fake dataset: its bytes and how the server misbehaves with them."""

    name: str
    title: str
    content: bytes
    last_modified: str
    announced_size: int | None = None  # default: the real size
    announced_sha1: str | None = None  # default: the real SHA-1
    mode: str = ""  # "", "truncate" (serve 60 %), "corrupt" (flip bytes), "cut_once"
    served: int = 0
    slug: str = QPV_SLUG  # the dataset it belongs to
    folder: str = ""  # a path before the name, as Etalab's yearly folders


@dataclass
class FakeDataGouv:
    base_url: str = ""
    resources: list[Published] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Range header)
    api_status: int = 200

    def api_url(self, slug: str = QPV_SLUG) -> str:
        return f"{self.base_url}/api/1/datasets/{slug}/"

    def file_url(self, name: str, folder: str = "") -> str:
        return f"{self.base_url}/fichiers/{folder}{name}"

    def publish(self, name: str, content: bytes, *, last_modified: str, **options) -> Published:
        published = Published(
            name=name,
            title=options.pop("title", name),
            content=content,
            last_modified=last_modified,
            **options,
        )
        self.resources = [
            r for r in self.resources if (r.name, r.slug) != (name, published.slug)
        ] + [published]
        return published

    def dataset(self, slug: str = QPV_SLUG) -> dict:
        """The shape of https://www.data.gouv.fr/api/1/datasets/<slug>/ (fields we read and a
        few we do not)."""
        return {
            "id": "5b3cf6f2c751df4a3a6d4bb7",
            "title": "Quartiers prioritaires de la politique de la ville (QPV)",
            "slug": slug,
            "page": f"{self.base_url}/fr/datasets/{slug}/",
            "license": "lov2",
            "organization": {"name": "Agence nationale de la cohésion des territoires"},
            "frequency": "punctual",
            "resources": [
                {
                    "id": f"res-{index}",
                    "title": r.title,
                    "description": "Contours des QPV",
                    "format": "geojson" if ".geojson" in r.name else "zip",
                    "mime": "application/geo+json",
                    "url": self.file_url(r.name, r.folder),
                    "latest": f"{self.base_url}/fr/datasets/r/res-{index}",
                    "filesize": r.announced_size or len(r.content),
                    "checksum": {
                        "type": "sha1",
                        "value": r.announced_sha1 or hashlib.sha1(r.content).hexdigest(),
                    },
                    "last_modified": r.last_modified,
                    "created_at": r.last_modified,
                    "type": "main",
                }
                for index, r in enumerate(self.resources)
                if r.slug == slug
            ]
            + [
                {
                    "id": "doc",
                    "title": "Notice des QPV.pdf",
                    "format": "pdf",
                    "url": self.file_url("notice.pdf"),
                    "filesize": 10,
                    "checksum": None,
                    "last_modified": "2025-01-01T00:00:00",
                    "type": "documentation",
                }
            ],
        }


def _handler(fake: FakeDataGouv):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = urlsplit(self.path).path
            fake.requests.append((path, self.headers.get("Range", "")))
            if path.startswith("/api/1/datasets/"):
                if fake.api_status != 200:
                    self._send(fake.api_status, b"{}", "application/json")
                    return
                body = json.dumps(fake.dataset(path.split("/")[4])).encode()
                self._send(200, body, "application/json")
                return
            name = path.removeprefix("/fichiers/")
            found = next((r for r in fake.resources if r.folder + r.name == name), None)
            if found is None:
                self._send(404, b"not found", "text/plain")
                return
            self._file(found)

        def _file(self, resource: Published):
            resource.served += 1
            content = resource.content
            if resource.mode == "truncate":
                content = content[: len(content) * 6 // 10]
            elif resource.mode == "corrupt":
                content = content[:100] + bytes(b ^ 0x20 for b in content[100:120]) + content[120:]
            start = 0
            range_header = self.headers.get("Range", "")
            if range_header.startswith("bytes="):
                start = int(range_header.removeprefix("bytes=").split("-")[0] or 0)
            if start >= len(content) and start:
                self._send(416, b"", "text/plain")
                return
            body = content[start:]
            status = 206 if start else 200
            headers = {"Accept-Ranges": "bytes"}
            if start:
                headers["Content-Range"] = f"bytes {start}-{len(content) - 1}/{len(content)}"
            if resource.mode == "cut_once" and resource.served == 1:
                # Announce everything, send half, then hang up.
                self.send_response(status)
                self.send_header("Content-Type", "application/geo+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self._send(status, body, "application/geo+json", headers)

    return Handler


class Server:
    def __init__(self) -> None:
        self.fake = FakeDataGouv()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(self.fake))
        self.httpd.daemon_threads = True
        self.fake.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeDataGouv:
        self.thread.start()
        return self.fake

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
