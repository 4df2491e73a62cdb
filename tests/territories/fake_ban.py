"""A local stand-in for the BAN geocoder of the IGN Géoplateforme, at the HTTP boundary.

It answers /search, /reverse and /search/csv in the documented formats (GeoJSON
FeatureCollection; CSV with the result_* columns), from a small address book, and can be
told to answer the next requests with an error, a 429 with Retry-After, or late.
"""

from __future__ import annotations

import csv
import email.parser
import email.policy
import io
import json
import threading
import time
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# label, score, (lon, lat), citycode, postcode, city, type
ADDRESS_BOOK = {
    "6 rue de la republique saint-denis": (
        "6 Rue de la République 93200 Saint-Denis",
        0.93,
        (2.358, 48.9355),
        "93066",
        "93200",
        "Saint-Denis",
        "housenumber",
    ),
    "rue des lilas meaux": (
        "Rue des Lilas 77100 Meaux",
        0.41,
        (2.8945, 48.9601),
        "77288",
        "77100",
        "Meaux",
        "street",
    ),
}


def feature(entry: tuple) -> dict:
    label, score, (lon, lat), citycode, postcode, city, kind = entry
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "label": label,
            "score": score,
            "id": f"{citycode}_xxxx",
            "name": label.split(f" {postcode}")[0],
            "postcode": postcode,
            "citycode": citycode,
            "x": 654_000.0,
            "y": 6_870_000.0,
            "city": city,
            "context": f"{citycode[:2]}, Département, Région",
            "type": kind,
            "importance": 0.6,
        },
    }


def collection(features: list[dict], query: str = "") -> dict:
    return {
        "type": "FeatureCollection",
        "version": "draft",
        "features": features,
        "attribution": "BAN",
        "licence": "ETALAB-2.0",
        "query": query,
        "limit": 1,
    }


def lookup(query: str) -> tuple | None:
    plain = unicodedata.normalize("NFKD", query).encode("ascii", "ignore").decode()
    return ADDRESS_BOOK.get(" ".join(plain.lower().replace(",", " ").split()))


@dataclass
class Scripted:
    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakeBan:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.scripted: dict[str, deque[Scripted]] = defaultdict(deque)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                fake._answer(self, b"")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                fake._answer(self, self.rfile.read(length))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/geocodage"

    def start(self) -> FakeBan:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def then(self, path: str, *, status=200, body=None, headers=None, delay=0.0) -> None:
        """Answer the next request to `path` this way (then the normal answer)."""
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.scripted[path].append(Scripted(status, body, headers or {}, delay))

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r["path"] == path)

    # --- answers -----------------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        parts = urlsplit(handler.path)
        path = parts.path.removeprefix("/geocodage")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.requests.append(
            {
                "method": handler.command,
                "path": path,
                "query": query,
                "headers": dict(handler.headers),
            }
        )
        if self.scripted[path]:
            scripted = self.scripted[path].popleft()
            if scripted.delay:
                time.sleep(scripted.delay)
            if scripted.body is not None or scripted.status != 200:
                self._send(handler, scripted.status, scripted.body or b"", scripted.headers)
                return
        if path == "/search":
            entry = lookup(query.get("q", ""))
            if entry and query.get("citycode") and entry[3] != query["citycode"]:
                entry = None
            result = collection([feature(entry)] if entry else [], query.get("q", ""))
            self._send(
                handler, 200, json.dumps(result).encode(), {"Content-Type": "application/json"}
            )
        elif path == "/reverse":
            entry = ADDRESS_BOOK["6 rue de la republique saint-denis"]
            result = collection([feature(entry)])
            self._send(
                handler, 200, json.dumps(result).encode(), {"Content-Type": "application/json"}
            )
        elif path == "/search/csv":
            self._send(handler, 200, self._csv(handler, body), {"Content-Type": "text/csv"})
        else:
            self._send(handler, 404, b'{"code": 404, "message": "not found"}', {})

    def _csv(self, handler: BaseHTTPRequestHandler, body: bytes) -> bytes:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {handler.headers['Content-Type']}\r\n\r\n".encode() + body
        )
        form, data = {}, b""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "data":
                data = part.get_payload(decode=True)
            else:
                form[name] = part.get_content().strip()
        self.requests[-1]["form"] = form
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        out = io.StringIO()
        columns = [
            "latitude",
            "longitude",
            "result_label",
            "result_score",
            "result_type",
            "result_citycode",
            "result_postcode",
            "result_city",
            "result_status",
        ]
        writer = csv.DictWriter(out, fieldnames=[*(rows[0].keys() if rows else []), *columns])
        writer.writeheader()
        for row in rows:
            entry = lookup(row[form["columns"]])
            if (
                entry
                and form.get("citycode")
                and row[form["citycode"]]
                and entry[3] != row[form["citycode"]]
            ):
                entry = None
            if entry:
                label, score, (lon, lat), citycode, postcode, city, kind = entry
                row.update(
                    latitude=lat,
                    longitude=lon,
                    result_label=label,
                    result_score=score,
                    result_type=kind,
                    result_citycode=citycode,
                    result_postcode=postcode,
                    result_city=city,
                    result_status="ok",
                )
            else:
                row.update(dict.fromkeys(columns, ""), result_status="not-found")
            writer.writerow(row)
        return out.getvalue().encode("utf-8")

    @staticmethod
    def _send(handler, status: int, body: bytes, headers: dict[str, str]) -> None:
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)
