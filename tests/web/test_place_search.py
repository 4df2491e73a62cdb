"""Finding a place: communes and postal codes offline, addresses through the BAN."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.territories.fake_ban import FakeBan


@pytest.fixture
def fake_ban(settings):
    cache.clear()  # the geocoder keeps its answers in the cache
    server = FakeBan().start()
    settings.GEOCODER_URL = server.url
    yield server
    server.stop()


def place(client, text, **params):
    return client.get(reverse("place_search"), {"q": text, **params})


@pytest.mark.django_db
def test_communes_by_name_postal_code_and_insee_code(client, sample_initiatives, fake_ban):
    found = place(client, "saint denis").json()["places"]
    assert [p["label"] for p in found] == ["Saint-Denis (974)", "Saint-Denis (93)"]
    assert place(client, "Saint-Denis 93").json()["places"][0]["commune"] == "93066"
    # The commune's point: its initiatives' centre when it has some…
    saint_denis = place(client, "93200").json()["places"][0]
    assert (saint_denis["label"], saint_denis["lat"], saint_denis["approximate"]) == (
        "Saint-Denis (93)",
        48.9277,
        False,
    )
    # …else its département's prefecture.
    caen = place(client, "14118").json()["places"][0]
    assert caen["approximate"] is True
    assert abs(caen["lat"] - 49.18) < 0.05
    assert place(client, "75019").json()["places"][0]["label"] == "Paris 19e Arrondissement (75)"
    assert fake_ban.requests == []  # all offline


@pytest.mark.django_db
def test_an_address_goes_to_the_geocoder(client, reference_data, fake_ban):
    answer = place(client, "6 rue de la République Saint-Denis").json()
    assert answer["places"][0]["kind"] == "address"
    assert answer["places"][0]["label"] == "6 Rue de la République 93200 Saint-Denis"
    assert fake_ban.count("/search") == 1
    nothing = place(client, "12 impasse introuvable").json()
    assert nothing["places"] == []
    assert "Aucun lieu trouvé" in nothing["message"]


@pytest.mark.django_db
def test_a_geocoder_out_of_reach_gives_a_clear_message(client, reference_data, fake_ban):
    fake_ban.then("/search", status=503)
    response = place(client, "6 rue de la République Saint-Denis")
    assert response.status_code == 503
    assert response.json()["message"].startswith("Le service de géocodage n'est pas joignable")
    # On the home page too, without JavaScript: the list stays, unordered.
    fake_ban.then("/search", status=503)
    html = client.get(reverse("home"), {"lieu": "6 rue de la République Saint-Denis"}).content
    assert "Le service de géocodage n&#x27;est pas joignable" in html.decode()


@pytest.mark.django_db
def test_the_commune_filter_never_asks_the_geocoder(client, reference_data, fake_ban):
    answer = place(client, "Zzyzx", communes="1").json()
    assert answer["places"] == []
    assert answer["message"] == "Aucune commune ne correspond à « Zzyzx »."
    assert fake_ban.requests == []
