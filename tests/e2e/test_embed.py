"""The embeddable map inside an iframe of a page served from another local port, as on a
centre's own website: framing allowed for /embed/ only, presets kept, the map drawn."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.map_helpers import load_map_samples, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Site du centre</title></head>
<body>
<h1>Les initiatives de notre territoire</h1>
<iframe id="pepites" src="{src}" title="Carte des initiatives — Pépites" width="100%"
        height="700" style="border:0"></iframe>
<iframe id="accueil" src="{home}" title="Page d'accueil de Pépites" width="400" height="200"></iframe>
</body></html>
"""


@pytest.fixture
def centre_site(tmp_path, live_server):
    """A tiny website on another port (another origin) embedding the map."""

    def serve(src: str, home: str) -> str:
        (tmp_path / "index.html").write_text(PAGE.format(src=src, home=home), encoding="utf-8")
        return url

    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    yield serve
    server.shutdown()
    server.server_close()


def test_the_map_lives_in_another_sites_iframe(live_server, page, centre_site, artifacts_dir):
    load_map_samples()
    errors = watch_console(page)
    site = centre_site(
        f"{live_server.url}/embed/?centre=profession-banlieue",
        f"{live_server.url}/",
    )
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "frame" in m.text.lower() else None)
    page.goto(site)
    assert page.url.startswith("http://127.0.0.1:") and str(live_server.url) not in page.url
    frame = page.frame_locator("#pepites")
    frame.locator("#carte canvas").wait_for()
    frame.locator("#liste .initiative-card").first.wait_for()
    # The centre's preset: Profession Banlieue's two initiatives (Seine-Saint-Denis).
    titles = set(frame.locator("#liste .initiative-card__title").all_inner_texts())
    assert titles == {"Fabrique numérique de Montreuil", "Épicerie solidaire du Franc-Moisin"}
    assert frame.locator("#compte").inner_text() == "2 initiatives"
    # Refining inside the frame keeps the preset.
    frame.locator("summary").click()
    frame.get_by_label("Numérique").check()
    frame.locator("#compte").filter(has_text="1 initiative").wait_for()
    # Links open outside the frame.
    link = frame.locator("#liste .initiative-card a").first
    assert link.evaluate("a => a.target || document.querySelector('base').target") == "_blank"
    # The rest of the site refuses to be framed: the second iframe stays empty.
    home = page.frame(url=f"{live_server.url}/")
    assert home is None or home.evaluate("() => document.body ? document.body.innerText : ''") == ""
    assert any("frame" in text.lower() for text in blocked)
    page.screenshot(path=str(artifacts_dir / "embed-in-iframe.png"), full_page=True)
    assert [e for e in errors if "X-Frame-Options" not in e and "frame-ancestors" not in e] == []


def test_the_embed_page_alone_passes_axe(live_server, page):
    load_map_samples()
    page.goto(f"{live_server.url}/embed/?thematique=mobilite")
    page.locator("#carte canvas").wait_for()
    assert page.locator("#compte").inner_text() == "2 initiatives"
    assert axe_violations(page) == []
