"""The QPV page, "where initiatives are missing" and its CSV export, and the QPV block of
an initiative page."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from pepites.initiatives.models import InitiativeStatus
from pepites.initiatives.placement.services import import_qpv, set_served_qpvs
from pepites.territories.qpv_files import read_qpv_file
from tests.initiatives.helpers import new_initiative
from tests.territories.qpv_samples import SAINT_DENIS_L93, point_at, write_geojson

pytestmark = pytest.mark.django_db


@pytest.fixture
def qpvs(reference_data, tmp_path):
    return import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))


def at(dx, dy):
    lon, lat = point_at(SAINT_DENIS_L93, dx, dy, 2154)
    return {"latitude": lat, "longitude": lon}


def published(title, theme="commerce-proximite", **fields):
    return new_initiative(
        title=title,
        status=InitiativeStatus.PUBLISHED,
        theme_slugs=[theme],
        **fields,
    )


@pytest.fixture
def initiatives(qpvs):
    inside = published("Boutique à l'essai", **at(100, 100))
    near = published("Couveuse d'activités", theme="entrepreneuriat", **at(-150, 300))
    far = published(
        "Plateforme emploi", theme="emploi-insertion", commune_code="93048", **at(-8_000, 300)
    )
    set_served_qpvs(initiative=far, qpv_codes=["QN09301M"])
    new_initiative(title="Brouillon dans le quartier", **at(150, 150))
    return inside, near, far


def json_script(content: str, element_id: str):
    start = content.index(f'id="{element_id}"')
    start = content.index(">", start) + 1
    return json.loads(content[start : content.index("</script>", start)])


def test_qpv_page(client, initiatives):
    response = client.get("/quartiers/QN09301M/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Quartier du Puits</h1>" in content
    assert "Saint-Denis (93066)" in content
    assert "Seine-Saint-Denis (93)" in content
    assert "Liste 2024" in content
    for title in ("Boutique à l&#x27;essai", "Couveuse d&#x27;activités", "Plateforme emploi"):
        assert title in content
    assert "Brouillon dans le quartier" not in content  # drafts are not public
    assert "à 150 m du contour" in content
    data = json_script(content, "territory-map-data")
    assert data["outline"]["type"] == "MultiPolygon"
    assert len(data["outline"]["coordinates"][0]) == 2  # exterior ring and the hole
    assert sorted(m["relation"] for m in data["markers"]) == ["dans", "pour", "proximite"]
    config = json_script(content, "map-config")
    assert config["tiles"]["attribution"] == "© IGN – Plan IGN"
    assert "data.geopf.fr/wmts" in config["tiles"]["url"]


def test_qpv_page_across_two_communes_and_tiles_setting(client, qpvs, settings):
    settings.MAP_TILES = "osmfr"
    content = client.get("/quartiers/qn09302m/").content.decode()
    assert "Saint-Denis (93066), Montreuil (93048)" in content
    assert json_script(content, "map-config")["tiles"]["attribution"] == (
        "© les contributeurs d'OpenStreetMap"
    )


@pytest.mark.parametrize("code", ["QN99999M", "pas-un-code", "QN0930"])
def test_unknown_qpv_is_404(client, qpvs, code):
    assert client.get(f"/quartiers/{code}/").status_code == 404


def test_gaps_for_the_network(client, initiatives):
    response = client.get("/territoires/manques/")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.total == 3
    assert {q.code for q in report.qpvs_without} == {"QN09302M", "QN09303M", "QN97101M", "QN97401M"}
    puits = next(q for q in report.qpvs if q.code == "QN09301M")
    assert puits.by_relation == {"dans": 1, "proximite": 1, "pour": 1}
    assert puits.total == 3
    empty = {t.slug for t in report.empty_themes}
    assert "commerce-proximite" not in empty and "entrepreneuriat" not in empty
    assert len(empty) == 10 - 3
    seine_saint_denis = next(d for d in report.departements if d.code == "93")
    assert (
        seine_saint_denis.total,
        seine_saint_denis.qpv_count,
        seine_saint_denis.qpv_without,
    ) == (3, 3, 2)
    ile_de_france = next(r for r in report.regions if r.code == "11")
    assert ile_de_france.total == 3
    content = response.content.decode()
    assert "Quartiers sans initiative (4)" in content
    assert "Thématiques sans initiative" in content
    assert json_script(content, "territory-map-data")["kind"] == "gaps"


def test_gaps_for_one_centre(client, initiatives):
    response = client.get("/territoires/manques/?centre=profession-banlieue")
    report = response.context["report"]
    assert [d.code for d in report.departements] == ["93"]
    assert {q.code for q in report.qpvs} == {"QN09301M", "QN09302M", "QN09303M"}
    assert "Par région" not in response.content.decode()
    reunion = client.get("/territoires/manques/?centre=cr-csur").context["report"]
    assert reunion.total == 0 and [q.code for q in reunion.qpvs_without] == ["QN97401M"]
    assert client.get("/territoires/manques/?centre=inconnu").status_code == 404


def test_gaps_without_any_qpv(client, reference_data):
    response = client.get("/territoires/manques/")
    assert response.status_code == 200
    assert "import_qpv" in response.content.decode()
    assert "territory-map-data" not in response.content.decode()


def test_gaps_queries_do_not_grow_with_the_data(client, initiatives):
    def count():
        cache.clear()  # computed, not read from the report kept for this data version
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/territoires/manques/").status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        published(f"Encore une {n}", theme="emploi-insertion", **at(50 * n, 20))
    assert count() == before


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_exports(client, initiatives):
    rows = read_csv(client.get("/territoires/manques.csv?table=qpv"))
    by_code = {row["code_qp"]: row for row in rows}
    assert set(by_code) == {"QN09301M", "QN09302M", "QN09303M", "QN97101M", "QN97401M"}
    puits = by_code["QN09301M"]
    assert (
        puits["initiatives_dans"],
        puits["initiatives_proximite"],
        puits["initiatives_pour"],
    ) == ("1", "1", "1")
    assert puits["initiatives_total"] == "3"
    assert puits["theme_commerce-proximite"] == "1" and puits["theme_entrepreneuriat"] == "1"
    assert by_code["QN09302M"]["insee_com"] == "93066;93048"
    departements = read_csv(
        client.get("/territoires/manques.csv?table=departements&centre=profession-banlieue")
    )
    assert [
        (r["insee_dep"], r["initiatives_total"], r["qpv_sans_initiative"]) for r in departements
    ] == [("93", "3", "2")]
    response = client.get("/territoires/manques.csv?table=regions")
    assert 'filename="pepites-manques-regions-reseau.csv"' in response["Content-Disposition"]
    assert any(r["insee_reg"] == "11" and r["initiatives_total"] == "3" for r in read_csv(response))
    assert client.get("/territoires/manques.csv?table=autre").status_code == 400


def test_csv_text_cells_cannot_run_in_a_spreadsheet(client, initiatives):
    from pepites.territories.models import Qpv

    Qpv.objects.filter(code="QN09301M").update(name='=HYPERLINK("http://x.example","clic")')
    rows = read_csv(client.get("/territoires/manques.csv?table=qpv"))
    puits = next(r for r in rows if r["code_qp"] == "QN09301M")
    assert puits["lib_qp"] == '\'=HYPERLINK("http://x.example","clic")'
    assert puits["initiatives_total"] == "3"


def test_initiative_qpv_block(initiatives):
    inside, near, far = initiatives
    template = Template("{% load qpv_tags %}{% initiative_qpv initiative %}")
    html = template.render(Context({"initiative": inside}))
    assert "Dans un quartier prioritaire" in html and "/quartiers/QN09301M/" in html
    html = template.render(Context({"initiative": near}))
    assert "moins de 300 m" in html and "à 150 m" in html
    html = template.render(Context({"initiative": far}))
    assert "Hors quartier prioritaire" in html and "Pour les habitants de" in html
