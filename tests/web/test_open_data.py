"""The open data pages: files with the map's filters, schema, embed (framing allowed there
only), Atom feeds, sitemap, robots.txt, JSON-LD."""

import json
import re

import pytest
from django.template import Context, Template

from pepites.initiatives import exports


def test_open_data_page(client, sample_initiatives):
    page = client.get("/donnees/?thematique=mobilite&lieu=Paris")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/donnees/initiatives.csv?thematique=mobilite" in html
    assert "lieu=" not in html
    assert "Licence Ouverte" in html and "<code>code_commune</code>" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_export_files_follow_the_maps_filters(client, sample_initiatives, fmt):
    response = client.get(f"/donnees/initiatives.{fmt}?thematique=mobilite&pres=45.7,4.8&page=3")
    assert response.status_code == 200
    assert re.fullmatch(
        rf'attachment; filename="pepites-initiatives-\d{{4}}-\d\d-\d\d\.{fmt}"',
        response["Content-Disposition"],
    )
    assert 'rel="license"' in response["Link"] and 'rel="describedby"' in response["Link"]
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        assert body.decode().count("\r\n") == 2  # the headers and one initiative
        assert "Garage solidaire de Meaux" in body.decode()
    elif fmt == "geojson":
        document = json.loads(body)
        assert [f["properties"]["titre"] for f in document["features"]] == [
            "Garage solidaire de Meaux"
        ]
        assert document["filters"] == {"thematique": "mobilite"}
    else:
        assert body[:2] == b"PK"


def test_a_stale_filter_is_ignored_as_on_the_map(client, sample_initiatives):
    body = b"".join(client.get("/donnees/initiatives.csv?region=zz").streaming_content)
    assert body.decode().count("\r\n") == 4  # every published initiative


def test_schema_and_datapackage(client, reference_data):
    schema = client.get("/donnees/schema.json")
    assert schema.json() == json.loads(exports.schema_text())
    package = client.get("/donnees/datapackage.json").json()
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert {r["format"] for r in package["resources"]} == {"csv", "xlsx", "geojson"}
    assert client.get("/donnees/initiatives.pdf").status_code == 404


def test_the_embed_may_be_framed_and_nothing_else(client, sample_initiatives):
    embed = client.get("/embed/?centre=profession-banlieue&thematique=ess")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert "; frame-ancestors *" in embed["Content-Security-Policy"]
    html = embed.content.decode()
    assert '<input type="hidden" name="centre" value="profession-banlieue">' in html
    assert "Épicerie solidaire du Franc-Moisin" in html
    assert "Garage solidaire" not in html
    assert '<base target="_blank">' in html and 'target="_self"' in html
    for path in ("/", "/donnees/", "/centres/profession-banlieue/"):
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path


def test_embed_snippet_include(rf, reference_data):
    from pepites.network.models import Centre

    html = Template('{% include "web/embed/includes/snippet.html" %}').render(
        Context(
            {"centre": Centre.objects.get(slug="labo-cites"), "SITE_URL": "https://pepites.example"}
        )
    )
    assert (
        "&lt;iframe src=&quot;https://pepites.example/embed/?centre=labo-cites&quot;" in html
        or ('src="https://pepites.example/embed/?centre=labo-cites"' in html.replace("&quot;", '"'))
    )


def test_atom_feeds(client, sample_initiatives):
    response = client.get("/flux/initiatives.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 3  # the published ones
    assert f"urn:uuid:{sample_initiatives['epicerie'].uid}" in body
    assert "Brouillon caché" not in body
    theme = client.get("/flux/thematiques/mobilite.atom").content.decode()
    assert theme.count("<entry>") == 1 and "Garage solidaire de Meaux" in theme
    centre = client.get("/flux/centres/profession-banlieue.atom").content.decode()
    assert centre.count("<entry>") == 1
    assert client.get("/flux/departements/69.atom").content.decode().count("<entry>") == 1
    assert client.get("/flux/regions/11.atom").content.decode().count("<entry>") == 2
    assert client.get("/flux/thematiques/inconnue.atom").status_code == 404
    assert (
        client.get("/flux/initiatives.atom", HTTP_ORIGIN="https://x.example")[
            "Access-Control-Allow-Origin"
        ]
        == "*"
    )


def test_sitemap_and_robots(client, sample_initiatives, settings):
    settings.SITE_URL = "https://pepites.example"
    index = client.get("/sitemap.xml").content.decode()
    assert "https://pepites.example/sitemap-initiatives.xml" in index
    initiatives = client.get("/sitemap-initiatives.xml").content.decode()
    assert (
        f"https://pepites.example/initiatives/{sample_initiatives['epicerie'].slug}/" in initiatives
    )
    assert sample_initiatives["draft"].slug not in initiatives
    assert "/centres/profession-banlieue/" in client.get("/sitemap-centres.xml").content.decode()
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /espace/" in robots and "Disallow: /admin/" in robots
    assert "Sitemap: https://pepites.example/sitemap.xml" in robots


def _jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_jsonld_of_an_initiative_and_a_centre(sample_initiatives):
    from pepites.initiatives.selectors import get_published_initiative

    initiative = get_published_initiative(slug=sample_initiatives["epicerie"].slug)
    initiative.summary = "</script><script>alert(1)</script>"
    html = Template('{% include "web/includes/jsonld_initiative.html" %}').render(
        Context({"initiative": initiative})
    )
    assert "</script><script>" not in html
    data = _jsonld(html)
    assert data["@type"] == "Article" and data["about"]["@type"] == "Project"
    assert data["about"]["location"]["geo"]["latitude"] == 48.9277
    assert data["author"]["name"] == initiative.centre.name
    assert data["abstract"] == initiative.summary
    html = Template('{% include "web/includes/jsonld_centre.html" %}').render(
        Context({"centre": initiative.centre})
    )
    centre = _jsonld(html)
    assert centre["@type"] == "Organization" and centre["areaServed"][0]["identifier"] == "93"
    assert 'type="application/atom+xml"' in html
