"""The list's cards, kept in the cache per data version (pepites/web/initiatives/cards.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pepites.initiatives.services import update_initiative
from pepites.web.initiatives.cards import render_cards
from tests.initiatives.helpers import new_initiative

pytestmark = pytest.mark.django_db


def queries_of(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_a_second_page_reads_no_card_from_the_database(client, sample_initiatives):
    theme = "/thematiques/mobilite/"
    first = queries_of(client, theme)
    second = queries_of(client, theme)
    # The cards' themes, labels and programmes were read the first time only.
    assert any("_prefetch_related_val" in sql for sql in first)
    assert not any("_prefetch_related_val" in sql for sql in second)
    assert len(second) < len(first)
    # The home page shows the same cards without reading them again.
    assert "Garage solidaire de Meaux" in client.get("/").content.decode()


def test_a_change_shows_at_once(client, sample_initiatives):
    assert "Garage solidaire de Meaux" in client.get("/").content.decode()
    garage = sample_initiatives["garage"]
    update_initiative(initiative=garage, expected_version=garage.version, title="Garage rénové")
    html = client.get("/").content.decode()
    assert "Garage rénové" in html and "Garage solidaire de Meaux" not in html


def test_only_the_first_card_of_a_page_is_timed(client, sample_initiatives):
    html = client.get("/").content.decode()
    assert html.count('elementtiming="first-card"') == 1
    ids = [card.pk for card in client.get("/").context["page"].object_list]
    # The map's "more" answers: no card marked, even one that was first on the page.
    more = client.get("/carte/fiches", {"ids": ",".join(map(str, ids))}).content.decode()
    assert more.count('class="initiative-card"') == 3
    assert "elementtiming" not in more


def test_cards_around_a_place_carry_their_distance_each_time(client, sample_initiatives):
    garage = sample_initiatives["garage"]
    near_meaux = f"pres={garage.latitude + 0.01},{garage.longitude}"
    for _ in range(2):
        html = client.get("/?" + near_meaux).content.decode()
        assert "initiative-card__distance" in html


def test_an_unpublished_id_gives_no_card(reference_data):
    shown = new_initiative(title="Visible", status="publiee")
    hidden = new_initiative(title="Brouillon", status="brouillon")
    cards = render_cards(ids=[hidden.pk, shown.pk])
    assert [card.title for card in cards] == ["Visible"]
    assert render_cards(ids=[]) == []


def test_an_essaimee_initiative_offers_its_lines_on_the_map(client, reference_data):
    from pepites.initiatives.inspirations import link_inspiration

    source = new_initiative(title="Épicerie source", status="publiee")
    copy = new_initiative(title="Épicerie reproduite", status="publiee")
    draft = new_initiative(title="Brouillon reproduit", status="brouillon")
    link_inspiration(source=source, reproduction=copy)
    link_inspiration(source=source, reproduction=draft)
    html = client.get("/").content.decode()
    link = f'href="/?essaimees=on&amp;essaimage={source.slug}#carte"'
    assert html.count(link) == 1  # on the source's card only, counting published copies
    assert "voir sa reproduction sur la carte" in html
    page = client.get(f"/?essaimees=on&essaimage={source.slug}").content.decode()
    assert "data-essaimage-lines=" in page


def test_a_feed_is_written_once_per_data_version(client, sample_initiatives):
    first = queries_of(client, "/flux/initiatives.atom")
    again = queries_of(client, "/flux/initiatives.atom")
    assert any("initiatives_initiative" in sql for sql in first)
    assert not any('initiatives_initiative"' in sql for sql in again)  # kept
    garage = sample_initiatives["garage"]
    update_initiative(initiative=garage, expected_version=garage.version, title="Garage rénové")
    body = client.get("/flux/initiatives.atom").content.decode()
    assert "Garage rénové" in body and "Garage solidaire de Meaux" not in body
