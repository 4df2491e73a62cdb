import base64
import io

import pytest
from django.core.management import call_command

from pepites.initiatives.models import InitiativeStatus
from pepites.initiatives.placement.services import import_qpv
from pepites.territories.qpv_files import read_qpv_file
from tests.conftest import load_sample_reference_data
from tests.e2e.conftest import axe_violations
from tests.initiatives.helpers import new_initiative
from tests.territories.qpv_samples import SAINT_DENIS_L93, point_at, write_geojson

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A blank 1×1 PNG: map tiles are answered locally, never fetched from the internet.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII="
)


def test_qpv_page_shows_outline_and_initiatives(
    live_server, page, artifacts_dir, console_errors, tmp_path
):
    load_sample_reference_data()
    import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))
    lon, lat = point_at(SAINT_DENIS_L93, 100, 100, 2154)
    new_initiative(
        title="Boutique à l'essai", status=InitiativeStatus.PUBLISHED, latitude=lat, longitude=lon
    )
    lon, lat = point_at(SAINT_DENIS_L93, -150, 300, 2154)
    new_initiative(
        title="Couveuse d'activités", status=InitiativeStatus.PUBLISHED, latitude=lat, longitude=lon
    )
    page.route(
        "https://data.geopf.fr/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE),
    )
    indicators = tmp_path / "indicateurs.csv"
    indicators.write_text(
        "CODGEO;POP_MUN;TP60\nQN09301M;4215;43,7\n93066;nd;35,4\nFRANCE;nd;14,5\n"
    )
    call_command("import_qpv_indicators", str(indicators), millesime="2020", stdout=io.StringIO())
    page.goto(live_server.url + "/quartiers/QN09301M/")
    assert page.get_by_role("heading", level=1).inner_text() == "Quartier du Puits"
    card = page.get_by_role("region", name="Chiffres clés")
    assert card.get_by_role("cell", name="43,7 %").is_visible()
    # The outline is drawn (one SVG path for the polygon with its hole) with two markers.
    page.locator("#territory-map path.leaflet-interactive").first.wait_for()
    assert page.locator("#territory-map path.leaflet-interactive").count() == 3
    # The textual alternative: the lists.
    assert page.get_by_text("Boutique à l'essai").is_visible()
    assert page.get_by_text("à 150 m du contour").is_visible()
    page.screenshot(path=str(artifacts_dir / "qpv-page.png"), full_page=True)
    assert axe_violations(page) == []
    assert console_errors == []


def test_gaps_page_passes_axe_with_tiles_blocked(live_server, page, artifacts_dir, tmp_path):
    """Tiles are refused here (as when the tile server is down): the page still works."""
    load_sample_reference_data()
    import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))
    page.goto(live_server.url + "/territoires/manques/")
    page.locator("#territory-map .leaflet-marker-pane, #territory-map canvas").first.wait_for()
    assert page.get_by_role("heading", name="Quartiers sans initiative (5)").is_visible()
    page.screenshot(path=str(artifacts_dir / "gaps-page.png"), full_page=True)
    assert axe_violations(page) == []
