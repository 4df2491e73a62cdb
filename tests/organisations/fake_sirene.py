"""A local stand-in for the State's "recherche d'entreprises" API, at the HTTP boundary.

GET /search?q=<SIRET> answers in the API's shape (results: legal units, each with its
head office `siege`, `matching_etablissements`, `complements`…; total_results, page,
per_page, total_pages) from a small directory; it can be told to answer the next requests
with an error, a 429 with Retry-After, or late.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ACTIVE_SIRET = "35600000000048"  # La Poste's head office (its SIRETs break the Luhn rule)
CLOSED_SIRET = "41816609600069"  # an association's closed establishment (fictional unit)


def establishment(siret: str, *, state: str, commune: str, created: str, closed=None) -> dict:
    return {
        "activite_principale": "53.10Z" if siret == ACTIVE_SIRET else "88.99B",
        "activite_principale_registre_metier": None,
        "adresse": "9 RUE DU COLONEL PIERRE AVIA 75015 PARIS",
        "caractere_employeur": "O",
        "code_postal": commune[:2] + "000",
        "commune": commune,
        "date_creation": created,
        "date_debut_activite": created,
        "date_fermeture": closed,
        "epci": "200054781",
        "est_siege": True,
        "etat_administratif": state,
        "geo_id": None,
        "latitude": "48.8295",
        "libelle_commune": "PARIS",
        "liste_enseignes": None,
        "liste_finess": None,
        "liste_id_bio": None,
        "liste_idcc": ["5516"],
        "liste_id_organisme_formation": None,
        "liste_rge": None,
        "liste_uai": None,
        "longitude": "2.2754",
        "nom_commercial": None,
        "region": "11",
        "siret": siret,
        "statut_diffusion_etablissement": "O",
        "tranche_effectif_salarie": "53" if siret == ACTIVE_SIRET else "02",
    }


DIRECTORY = {
    ACTIVE_SIRET: {
        "siren": "356000000",
        "nom_complet": "LA POSTE",
        "nom_raison_sociale": "LA POSTE",
        "sigle": None,
        "nombre_etablissements": 16652,
        "nombre_etablissements_ouverts": 9871,
        "siege": establishment(ACTIVE_SIRET, state="A", commune="75115", created="1991-01-01"),
        "activite_principale": "53.10Z",
        "categorie_entreprise": "GE",
        "annee_categorie_entreprise": "2022",
        "date_creation": "1991-01-01",
        "date_fermeture": None,
        "date_mise_a_jour": "2026-11-28T09:14:22",
        "etat_administratif": "A",
        "nature_juridique": "5510",
        "section_activite_principale": "H",
        "tranche_effectif_salarie": "53",
        "annee_tranche_effectif_salarie": "2022",
        "statut_diffusion": "O",
        "matching_etablissements": [],
        "dirigeants": [],
        "finances": {},
        "complements": {
            "collectivite_territoriale": None,
            "convention_collective_renseignee": True,
            "est_association": False,
            "est_entrepreneur_individuel": False,
            "est_ess": False,
            "est_service_public": True,
            "est_siae": False,
            "identifiant_association": None,
        },
    },
    CLOSED_SIRET: {
        "siren": "418166096",
        "nom_complet": "LES JARDINS DU PLATEAU",
        "nom_raison_sociale": "LES JARDINS DU PLATEAU",
        "sigle": None,
        "nombre_etablissements": 2,
        "nombre_etablissements_ouverts": 0,
        "siege": establishment(
            CLOSED_SIRET, state="F", commune="93066", created="1998-04-01", closed="2025-12-31"
        ),
        "activite_principale": "88.99B",
        "categorie_entreprise": "PME",
        "annee_categorie_entreprise": "2022",
        "date_creation": "1998-04-01",
        "date_fermeture": "2025-12-31",
        "date_mise_a_jour": "2026-01-15T10:00:00",
        "etat_administratif": "C",
        "nature_juridique": "9220",
        "section_activite_principale": "Q",
        "tranche_effectif_salarie": "02",
        "annee_tranche_effectif_salarie": "2022",
        "statut_diffusion": "O",
        "matching_etablissements": [],
        "dirigeants": [],
        "finances": {},
        "complements": {
            "est_association": True,
            "est_entrepreneur_individuel": False,
            "est_ess": True,
            "est_service_public": False,
            "est_siae": False,
            "identifiant_association": "W931001234",
        },
    },
}


@dataclass
class Scripted:
    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakeSirene:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.scripted: deque[Scripted] = deque()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeSirene:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def then(self, *, status=200, body=None, headers=None, delay=0.0) -> None:
        """Answer the next request this way (then the normal answer)."""
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        self.scripted.append(Scripted(status, body, headers or {}, delay))

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.requests.append({"path": parts.path, "query": query})
        if self.scripted:
            scripted = self.scripted.popleft()
            if scripted.delay:
                time.sleep(scripted.delay)
            if scripted.body is not None or scripted.status != 200:
                self._send(handler, scripted.status, scripted.body or b"", scripted.headers)
                return
        if parts.path != "/search":
            self._send(handler, 404, b'{"erreur": "Not found"}', {})
            return
        unit = DIRECTORY.get(query.get("q", ""))
        results = []
        if unit is not None:
            unit = json.loads(json.dumps(unit))
            unit["matching_etablissements"] = [unit["siege"]]
            results.append(unit)
        answer = {
            "results": results,
            "total_results": len(results),
            "page": int(query.get("page", 1)),
            "per_page": int(query.get("per_page", 10)),
            "total_pages": 1 if results else 0,
        }
        self._send(handler, 200, json.dumps(answer).encode(), {"Content-Type": "application/json"})

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
            pass
