"""The edit form's map, in a browser: it opens on the record's commune, its marker image
loads (no 404), and a point placed outside the chosen commune is flagged before saving."""

import pytest
from django.contrib.auth.models import User

from pepites.core.services import DatasetOrigin
from pepites.initiatives.services import create_initiative
from pepites.network.memberships import add_member
from pepites.network.models import Centre
from pepites.territories.commune_outlines import read_commune_outlines
from pepites.territories.services import import_commune_outlines
from tests.conftest import PASSWORD, load_sample_reference_data
from tests.e2e.test_contribution import log_in
from tests.territories.commune_samples import commune_outlines_gz

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def record(fast_passwords, tmp_path):
    load_sample_reference_data()
    path = tmp_path / "communes.geojson.gz"
    path.write_bytes(commune_outlines_gz())
    import_commune_outlines(
        shapes=read_commune_outlines(path),
        origin=DatasetOrigin(version="test", source="test", licence="Licence Ouverte 2.0"),
    )
    member = User.objects.create_user("membre.pb", "membre.pb@example.org", PASSWORD)
    add_member(user=member, centre=Centre.objects.get(slug="profession-banlieue"))
    unplaced = create_initiative(
        title="Épicerie sans point",
        summary="Une épicerie solidaire.",
        porteur_name="Association",
        commune_code="93066",
        theme_slugs=["ess"],
    )
    placed = create_initiative(
        title="Épicerie placée",
        summary="Une épicerie solidaire.",
        porteur_name="Association",
        commune_code="93066",
        theme_slugs=["ess"],
        latitude=48.93,
        longitude=2.36,
    )
    return unplaced, placed


def test_the_map_opens_on_the_commune_and_flags_a_point_outside_it(
    live_server, browser, record, artifacts_dir
):
    unplaced, placed = record
    context, page = log_in(browser, live_server.url, "membre.pb@example.org")
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    # No point yet: the map opens on Saint-Denis's outline, not on all of France.
    page.goto(f"{live_server.url}/espace/initiatives/{unplaced.pk}/")
    page.locator("[data-location-map] path").first.wait_for(state="attached")
    leaflet = "document.querySelector('[data-location-map]').leafletMap"
    # The map fits the outline once it is drawn (an animation on a loaded machine).
    page.wait_for_function(f"() => {leaflet} && {leaflet}.getZoom() >= 11")
    zoom = page.evaluate(f"() => {leaflet}.getZoom()")
    centre = page.evaluate(f"() => {leaflet}.getCenter()")
    assert zoom >= 11
    assert abs(centre["lat"] - 48.929) < 0.02 and abs(centre["lng"] - 2.357) < 0.02

    # A point in the commune: the marker's image loads, nothing is flagged.
    page.goto(f"{live_server.url}/espace/initiatives/{placed.pk}/")
    marker = page.locator("[data-location-map] img.leaflet-marker-icon")
    marker.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector('img.leaflet-marker-icon');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    warning = page.locator("[data-location-warning]")
    page.wait_for_timeout(300)
    assert warning.text_content() == ""

    # Typed coordinates 300 km away, in the Cher: flagged before saving.
    page.get_by_label("Latitude").fill("47.76")
    page.get_by_label("Longitude").fill("2.386")
    page.wait_for_function(
        "() => document.querySelector('[data-location-warning]').textContent.includes('km')"
    )
    text = warning.text_content()
    assert "de la commune choisie (Saint-Denis (Seine-Saint-Denis, 93))" in text
    page.screenshot(path=str(artifacts_dir / "edit-form-out-of-commune.png"))
    assert failed == [], failed
    context.close()
