"""Harvesting the centres' own maps against a local HTTP server that serves a uMap
datalayer and a GoGoCarto API answer, both changing between two runs: new, changed and
disappeared reported; nothing published without a decision; a 304 makes no change; a
failing source is reported then disabled."""

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pepites.initiatives.harvest import services
from pepites.initiatives.harvest.models import HarvestSource, HarvestState, SourceKind
from pepites.initiatives.models import Initiative, InitiativeStatus
from tests.initiatives import import_files as files
from tests.territories.fake_ban import FakeBan

pytestmark = pytest.mark.django_db


def datalayer(features: list[tuple[str, str, float, float]]) -> bytes:
    """A uMap datalayer as /datalayer/<map>/<layer>/ serves it (GeoJSON + _umap_options)."""
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {
                        "name": name,
                        "description": text,
                        "_umap_options": {"color": "DarkGreen"},
                    },
                }
                for name, text, lon, lat in features
            ],
            "_umap_options": {"displayOnLoad": True, "name": "Emploi", "browsable": True},
        },
        ensure_ascii=False,
    ).encode()


FIRST_LAYER = [
    ("Chantier d'insertion des Coteaux", "Un chantier d'insertion.", 2.358, 48.9355),
    ("Job dating au pied des tours", "Des recrutements au pied des immeubles.", 2.3601, 48.9361),
]
SECOND_LAYER = [
    ("Chantier d'insertion des Coteaux", "Un chantier d'insertion espaces verts.", 2.358, 48.9355),
    ("Point de médiation numérique", "Accompagnement aux démarches.", 2.3555, 48.934),
]


class Site:
    """Serves /umap and /gogocarto with ETags; `documents` can change between runs."""

    def __init__(self) -> None:
        self.documents = {"/umap": datalayer(FIRST_LAYER), "/gogocarto": b""}
        self.requests: list[tuple[str, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                body = site.documents.get(self.path)
                site.requests.append((self.path, self.headers.get("If-None-Match", "")))
                if body is None:
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"


@pytest.fixture
def site():
    site = Site()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture(autouse=True)
def ban(settings):
    server = FakeBan().start()
    settings.GEOCODER_URL = server.url
    settings.GEOCODER_RETRIES = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    yield server
    server.stop()


def source_for(people, site, kind, path) -> HarvestSource:
    return HarvestSource.objects.create(
        centre=people.pb,
        name="Carte du centre",
        kind=kind,
        url=site.url(path),
        default_theme="emploi-insertion",
        status=InitiativeStatus.PUBLISHED,
        created_by=people.member,
    )


def test_umap_datalayer_new_changed_disappeared_and_304(people, site):
    source = source_for(people, site, SourceKind.UMAP, "/umap")
    assert services.harvest_source(source=source) == services.PENDING, source.last_error
    assert source.pending_diff["new"] == [t for t, *_ in FIRST_LAYER]
    assert Initiative.objects.count() == 0  # nothing without a decision
    assert services.accept_pending(source=source, user=people.member)
    assert Initiative.objects.filter(status=InitiativeStatus.PUBLISHED).count() == 2
    assert source.state == HarvestState.UP_TO_DATE

    # Unchanged: a conditional GET, answered 304, changes nothing.
    assert services.harvest_source(source=source) == services.NOT_MODIFIED
    assert site.requests[-1][1] != ""  # If-None-Match was sent

    site.documents["/umap"] = datalayer(SECOND_LAYER)
    before = {i.slug: i.summary for i in Initiative.objects.all()}
    assert services.harvest_source(source=source) == services.PENDING
    diff = source.pending_diff
    assert diff["new"] == ["Point de médiation numérique"]
    assert [c["title"] for c in diff["changed"]] == ["Chantier d'insertion des Coteaux"]
    assert [d["title"] for d in diff["disappeared"]] == ["Job dating au pied des tours"]
    assert {i.slug: i.summary for i in Initiative.objects.all()} == before  # not yet

    services.reject_pending(source=source)
    assert {i.slug: i.summary for i in Initiative.objects.all()} == before
    # The same content is not proposed again once rejected.
    site.documents["/umap"] = datalayer(SECOND_LAYER)
    source.etag = ""
    assert services.harvest_source(source=source) == services.UNCHANGED_CONTENT


def test_gogocarto_always_accept(people, site):
    site.documents["/gogocarto"] = files.gogocarto_json_bytes()
    source = source_for(people, site, SourceKind.GOGOCARTO, "/gogocarto")
    assert services.harvest_source(source=source) == services.PENDING
    assert services.always_accept(source=source, user=people.member)
    assert Initiative.objects.count() == 2
    document = json.loads(files.gogocarto_json_bytes())
    document["data"][0]["description"] = "Collecte, réparation, revente ; 12 emplois."
    document["data"].pop()
    site.documents["/gogocarto"] = json.dumps(document).encode()
    # Always accepted: the change is written at once; the disappeared one stays, listed.
    assert services.harvest_source(source=source) == services.ACCEPTED
    assert Initiative.objects.get(title="Ressourcerie du Canal").summary.endswith("12 emplois.")
    assert Initiative.objects.filter(title="Auto-école associative").exists()


def test_a_failing_source_is_reported_then_disabled(people, site, settings):
    settings.HARVEST_MAX_FAILURES = 2
    source = source_for(people, site, SourceKind.UMAP, "/absente")
    assert services.harvest_source(source=source) == services.FAILED
    assert source.state == HarvestState.FAILING and "HTTP 500" in source.last_error
    services.harvest_source(source=source)
    assert source.state == HarvestState.DISABLED
    assert services.harvest_due_sources() == {}  # never tried again by the job


def test_a_too_big_answer_is_refused(people, site, settings):
    settings.HARVEST_MAX_BYTES = 100
    source = source_for(people, site, SourceKind.UMAP, "/umap")
    assert services.harvest_source(source=source) == services.FAILED
    assert "trop gros" in source.last_error
    assert Initiative.objects.count() == 0


def test_a_centre_registers_a_source_with_its_mapping(people, site):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(people.member)
    form = {
        "centre": "profession-banlieue",
        "name": "Notre uMap",
        "kind": SourceKind.UMAP,
        "url": site.url("/umap"),
        "status": InitiativeStatus.DRAFT,
        "every_hours": 12,
        "mapping": "name=titre\ninconnu=champ_inexistant",
    }
    refused = client.post(reverse("workspace:harvest"), form)
    assert refused.status_code == 200
    assert "champ_inexistant" in refused.content.decode()
    assert HarvestSource.objects.count() == 0
    form["mapping"] = "name=titre\ndescription=resume"
    assert client.post(reverse("workspace:harvest"), form).status_code == 302
    source = HarvestSource.objects.get()
    assert source.mapping == {"name": "titre", "description": "resume"}
    assert source.created_by == people.member
    other = Client()
    other.force_login(people.other_member)
    decision = other.post(
        reverse("workspace:harvest_decide", kwargs={"pk": source.pk}), {"action": "maintenant"}
    )
    assert decision.status_code == 403
