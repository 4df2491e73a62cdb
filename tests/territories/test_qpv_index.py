"""/quartiers/: the index of the current QPV, its filters, pages and counts, in a number of
queries that does not depend on the page; and the links that lead to it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pepites.web.territories import views
from tests.territories.qpv_fixtures import (
    at,
    import_sample_qpvs,
    place_initiatives_around_qpvs,
    published,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def around(reference_data, tmp_path):
    import_sample_qpvs(tmp_path)
    return place_initiatives_around_qpvs()


def listed(response) -> list[str]:
    return [row.entry.code for row in response.context["rows"]]


def test_the_index_lists_the_current_qpv_with_their_initiatives(client, around):
    response = client.get("/quartiers/")
    assert response.status_code == 200
    assert listed(response) == ["QN09303M", "QN09302M", "QN09301M", "QN97101M", "QN97401M"]
    html = response.content.decode()
    assert "<h1>Les quartiers prioritaires</h1>" in html
    assert "5 quartiers" in html and "Liste 2024 (codes QN…)" in html
    assert '<a href="/quartiers/QN09301M/">Quartier du Puits</a>' in html
    assert "Saint-Denis (93066), Montreuil (93048)" in html  # QN09302M's two communes
    assert "Seine-Saint-Denis (93)" in html and "La Réunion (974)" in html
    puits = next(row for row in response.context["rows"] if row.entry.code == "QN09301M")
    # In it, near it (one of them is in QN09303M) and for it; the draft is not counted.
    assert puits.counts == {"dans": 1, "proximite": 2, "pour": 1}
    row_html = html[html.index("/quartiers/QN09301M/") :].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row_html.split("</td>")[-4:-1]] == ["1", "2", "1"]
    assert '<caption id="titre-tableau" class="visually-hidden">' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=11", ["QN09303M", "QN09302M", "QN09301M"]),
        ("departement=974", ["QN97401M"]),
        ("q=montreuil", ["QN09303M", "QN09302M"]),
        ("q=Raïzet", ["QN97101M"]),
        ("q=qn09301m", ["QN09301M"]),
        ("q=saint-denis&region=04", ["QN97401M"]),
        ("q=zorglub", []),
        ("region=zz", ["QN09303M", "QN09302M", "QN09301M", "QN97101M", "QN97401M"]),
    ],
)
def test_filters_by_territory_and_words(client, around, query, expected):
    response = client.get(f"/quartiers/?{query}")
    assert response.status_code == 200
    assert listed(response) == expected


def test_a_stale_filter_is_reported_and_nothing_matching_is_said(client, around):
    html = client.get("/quartiers/?region=zz").content.decode()
    assert "Sélectionnez un choix valide" in html
    html = client.get("/quartiers/?q=zorglub").content.decode()
    assert "Aucun quartier ne correspond à ces critères." in html


def test_pages_keep_the_filters(client, around, monkeypatch):
    monkeypatch.setattr(views, "QPV_PAGE_SIZE", 2)
    first = client.get("/quartiers/?region=11")
    assert listed(first) == ["QN09303M", "QN09302M"]
    html = first.content.decode()
    assert "Page 1 sur 2" in html
    assert 'href="?region=11&amp;page=2" rel="next"' in html
    second = client.get("/quartiers/?region=11&page=2")
    assert listed(second) == ["QN09301M"]
    assert "<title>Les quartiers prioritaires — page 2 — Pépites</title>" in second.content.decode()
    assert listed(client.get("/quartiers/?region=11&page=99")) == ["QN09301M"]  # the last


def test_queries_do_not_grow_with_the_page_or_the_data(client, around, monkeypatch):
    def count(path: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries), len(response.context["rows"])

    client.get("/quartiers/")  # what a first visit fills (theme colours…, kept in the cache)
    monkeypatch.setattr(views, "QPV_PAGE_SIZE", 1)
    one, rows = count("/quartiers/")
    assert rows == 1
    monkeypatch.setattr(views, "QPV_PAGE_SIZE", 50)
    five, rows = count("/quartiers/")
    assert rows == 5
    assert five == one
    for n in range(4):
        published(f"Encore une {n}", **at(50 * n + 20, 20))
    assert count("/quartiers/")[0] == five
    assert count("/quartiers/?q=saint&region=11")[0] == five
    assert five <= 10


def test_without_any_qpv(client, reference_data):
    response = client.get("/quartiers/")
    assert response.status_code == 200
    assert "import_qpv" in response.content.decode()
    assert listed(response) == []


def test_links_to_the_index_and_the_sitemap(client, around):
    assert 'href="/quartiers/"' in client.get("/").content.decode()  # the footer
    assert 'href="/quartiers/"' in client.get("/territoires/manques/").content.decode()
    detail = client.get("/quartiers/QN09301M/").content.decode()
    assert 'href="/quartiers/?departement=93"' in detail
    assert 'href="/?quartier=QN09301M"' in detail
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert "/quartiers/</loc>" in sitemap
