"""/territoires/manques/: the QPV table 50 a page, filtered and sorted; the report held by
the process for one data version, never past it."""

import itertools
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pepites.initiatives.models import InitiativeStatus
from pepites.initiatives.placement.services import import_qpv
from pepites.territories.qpv_files import read_qpv_file
from pepites.web.territories import gaps as gaps_views
from tests.initiatives.helpers import new_initiative
from tests.territories.qpv_samples import SAINT_DENIS_L93, point_at, write_geojson

pytestmark = pytest.mark.django_db


@pytest.fixture
def qpvs(reference_data, tmp_path):
    return import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))


def publish_in_the_puits(title="Boutique à l'essai"):
    lon, lat = point_at(SAINT_DENIS_L93, 100, 100, 2154)
    return new_initiative(
        title=title,
        status=InitiativeStatus.PUBLISHED,
        theme_slugs=["commerce-proximite"],
        latitude=lat,
        longitude=lon,
    )


def table_codes(response):
    return [q.code for q in response.context["page"].object_list]


def test_only_qpv_without_initiative_by_default_then_other_views(client, qpvs):
    publish_in_the_puits()
    response = client.get("/territoires/manques/")
    assert set(table_codes(response)) == {"QN09302M", "QN09303M", "QN97101M", "QN97401M"}
    content = response.content.decode()
    assert "Quartiers sans initiative (4)" in content
    assert '<option value="sans" selected>' in content

    response = client.get("/territoires/manques/?etat=avec")
    assert table_codes(response) == ["QN09301M"]
    assert "Quartier avec des initiatives (1)" in response.content.decode()
    assert '<td class="num">1</td>' in response.content.decode()  # in, and in all

    response = client.get("/territoires/manques/?etat=tous&departement=93&tri=initiatives")
    assert table_codes(response)[0] == "QN09301M" and len(table_codes(response)) == 3
    assert "Quartiers prioritaires (3)" in response.content.decode()
    assert table_codes(client.get("/territoires/manques/?etat=tous&region=04")) == ["QN97401M"]


def test_stale_or_foreign_values_are_ignored(client, qpvs):
    response = client.get("/territoires/manques/?etat=peut-etre&tri=hasard&departement=ZZ&page=9")
    assert response.status_code == 200
    assert response.context["filters"] == {
        "state": "sans",
        "sort": "population",
        "region": "",
        "departement": "",
    }
    assert len(table_codes(response)) == 5
    response = client.get("/territoires/manques/?centre=profession-banlieue&departement=974")
    assert response.context["filters"]["departement"] == ""  # not this centre's
    assert 'name="centre" value="profession-banlieue"' in response.content.decode()


def test_the_table_is_paginated_and_keeps_its_filters(client, qpvs, monkeypatch):
    monkeypatch.setattr(gaps_views, "GAPS_PAGE_SIZE", 2)
    first = client.get("/territoires/manques/?etat=tous&tri=nom")
    assert len(table_codes(first)) == 2
    content = first.content.decode()
    assert "Page 1 sur 3" in content
    assert 'href="?etat=tous&amp;tri=nom&amp;page=2" rel="next"' in content
    pages = [
        table_codes(client.get(f"/territoires/manques/?etat=tous&tri=nom&page={n}"))
        for n in (1, 2, 3)
    ]
    names = [q.name for q in first.context["report"].sorted_qpvs("nom")]
    assert list(itertools.chain(*pages)) == [
        next(q.code for q in first.context["report"].qpvs if q.name == name) for name in names
    ]
    assert "— page 2 —" in client.get("/territoires/manques/?etat=tous&page=2").content.decode()


def test_map_points_cover_every_qpv_whatever_the_page(client, qpvs, monkeypatch):
    monkeypatch.setattr(gaps_views, "GAPS_PAGE_SIZE", 1)
    publish_in_the_puits()
    content = client.get("/territoires/manques/").content.decode()
    start = content.index('id="territory-map-data"')
    data = content[content.index(">", start) + 1 : content.index("</script>", start)]
    points = json.loads(data)
    assert points["kind"] == "gaps" and points["url"] == "/quartiers/QPVCODE/"
    assert {p[0]: p[4] for p in points["points"]} == {
        "QN09301M": 1,
        "QN09302M": 0,
        "QN09303M": 0,
        "QN97101M": 0,
        "QN97401M": 0,
    }


def test_the_report_is_held_for_one_data_version_only(client, qpvs):
    publish_in_the_puits()
    client.get("/territoires/manques/")
    with CaptureQueriesContext(connection) as held:
        again = client.get("/territoires/manques/")
    assert not any("initiatives_initiativeqpv" in q["sql"] for q in held.captured_queries)
    assert again.context["report"].total == 1
    csv_before = client.get("/territoires/manques.csv?table=departements").content

    publish_in_the_puits("Une autre boutique")  # a new data version
    assert client.get("/territoires/manques/").context["report"].total == 2
    csv_after = client.get("/territoires/manques.csv?table=departements").content
    assert csv_after != csv_before and b"93," in csv_after

    cache.clear()  # a cleared cache is obeyed: the report is computed again
    with CaptureQueriesContext(connection) as computed:
        client.get("/territoires/manques/")
    assert any("initiatives_initiativeqpv" in q["sql"] for q in computed.captured_queries)


def test_the_chosen_territory_stays_selected(client, qpvs):
    content = client.get("/territoires/manques/?region=11&departement=93").content.decode()
    assert '<option value="93" selected>Seine-Saint-Denis (93)</option>' in content
    assert '<option value="11" selected>' in content
    assert content.count(" selected>") == 4  # and the default state and order
    assert '<option value="974">' in content
