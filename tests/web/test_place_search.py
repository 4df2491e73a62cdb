"""Finding a place: communes and postal codes offline, addresses through the BAN."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from pepites.core.services import DatasetOrigin
from pepites.initiatives.models import Initiative
from pepites.territories.commune_outlines import read_commune_outlines
from pepites.territories.reference_points import departement_points
from pepites.territories.services import import_commune_outlines
from tests.territories.commune_samples import commune_outlines_gz
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
    assert [p["label"] for p in found] == [
        "Saint-Denis (La Réunion, 974)",
        "Saint-Denis (Seine-Saint-Denis, 93)",
    ]
    assert place(client, "Saint-Denis 93").json()["places"][0]["commune"] == "93066"
    labelled = place(client, "Saint-Denis (Seine-Saint-Denis, 93)").json()["places"]
    assert [p["commune"] for p in labelled] == ["93066"]
    # Without outlines loaded, a commune's point is its département's, never its
    # initiatives' average.
    saint_denis = place(client, "93200").json()["places"][0]
    assert saint_denis["label"] == "Saint-Denis (Seine-Saint-Denis, 93)"
    assert saint_denis["approximate"] is True
    assert (saint_denis["lat"], saint_denis["lon"]) == pytest.approx(departement_points()["93"])
    caen = place(client, "14118").json()["places"][0]
    assert caen["approximate"] is True
    assert abs(caen["lat"] - 49.18) < 0.05
    assert place(client, "75019").json()["places"][0]["label"] == (
        "Paris 19e Arrondissement (Paris, 75)"
    )
    assert fake_ban.requests == []  # all offline


@pytest.mark.django_db
def test_a_communes_point_comes_from_its_outline_whatever_its_initiatives(
    client, sample_initiatives, fake_ban, tmp_path
):
    path = tmp_path / "communes.geojson.gz"
    path.write_bytes(commune_outlines_gz())
    import_commune_outlines(
        shapes=read_commune_outlines(path),
        origin=DatasetOrigin(version="test", source="test", licence="Licence Ouverte 2.0"),
    )
    before = place(client, "Saint-Denis 93").json()["places"][0]
    assert (before["lat"], before["lon"], before["approximate"]) == (48.929, 2.357, False)
    # A marker misplaced in the Cher moves nothing.
    Initiative.objects.filter(commune_id="93066").update(latitude=47.76, longitude=2.386)
    cache.clear()
    after = place(client, "Saint-Denis 93").json()["places"][0]
    assert (after["lat"], after["lon"]) == (before["lat"], before["lon"])
    # An arrondissement without an outline of its own takes its city's point.
    paris_19 = place(client, "75019").json()["places"][0]
    assert (paris_19["lat"], paris_19["lon"], paris_19["approximate"]) == (48.859, 2.347, False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "kind", "label"),
    [
        ("93", "departement", "Seine-Saint-Denis (département, 93)"),
        ("Seine-Saint-Denis", "departement", "Seine-Saint-Denis (département, 93)"),
        ("seine st denis", "departement", "Seine-Saint-Denis (département, 93)"),
        ("2A", "departement", "Corse-du-Sud (département, 2A)"),
        ("Île-de-France", "region", "Île-de-France (région)"),
        ("Profession Banlieue", "centre", "Profession Banlieue (centre de ressources, "),
    ],
)
def test_departements_regions_and_centres_are_understood(
    client, reference_data, fake_ban, text, kind, label
):
    first = place(client, text).json()["places"][0]
    assert first["kind"] == kind and first["label"].startswith(label)
    assert first["approximate"] is True and -90 < first["lat"] < 90
    assert fake_ban.requests == []


@pytest.mark.django_db
def test_homonyms_are_asked_for_on_the_home_page(client, reference_data, fake_ban):
    html = client.get(reverse("home"), {"lieu": "Saint-Denis"}).content.decode()
    assert "Plusieurs lieux portent ce nom" in html
    assert "Saint-Denis (Seine-Saint-Denis, 93)" in html and "Saint-Denis (La Réunion, 974)" in html
    html = client.get(reverse("home"), {"commune": "Saint-Denis"}).content.decode()
    assert "Plusieurs communes portent ce nom" in html
    chosen = client.get(reverse("home"), {"lieu": "Saint-Denis (Seine-Saint-Denis, 93)"})
    assert "Plusieurs lieux portent ce nom" not in chosen.content.decode()


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
    message = response.json()["message"]
    assert "la recherche d'adresses est injoignable pour le moment" in message
    # Not the same words as "nothing found" (the geocoder answered, with nothing).
    nothing = place(client, "12 impasse introuvable").json()["message"]
    assert "injoignable" not in nothing and "Aucun lieu trouvé" in nothing
    # On the home page too, without JavaScript: the list stays, unordered.
    fake_ban.then("/search", status=503)
    html = client.get(reverse("home"), {"lieu": "6 rue de la République Saint-Denis"}).content
    assert "la recherche d&#x27;adresses est injoignable" in html.decode()


@pytest.mark.django_db
def test_the_commune_filter_never_asks_the_geocoder(client, reference_data, fake_ban):
    answer = place(client, "Zzyzx", communes="1").json()
    assert answer["places"] == []
    assert answer["message"] == "Aucune commune ne correspond à « Zzyzx »."
    assert fake_ban.requests == []


@pytest.mark.django_db
def test_around_a_place_the_distances_and_a_radius(client, sample_initiatives, fake_ban):
    everything = client.get(reverse("home"), {"lieu": "Saint-Denis (Seine-Saint-Denis, 93)"})
    html = everything.content.decode()
    # The département's point (Bobigny) is about 6 km from the épicerie, 392 km from Lyon.
    assert re.search(r"initiative-card__distance\">à \d,\d km<", html)
    assert 'initiative-card__distance">à 39' in html
    near = client.get(
        reverse("home"), {"lieu": "Saint-Denis (Seine-Saint-Denis, 93)", "rayon": "50"}
    )
    titles = re.findall(
        r'<h3 class="initiative-card__title"[^>]*><a [^>]*>([^<]+)<', near.content.decode()
    )
    assert "Couveuse du 8e" not in titles and "Épicerie solidaire du Franc-Moisin" in titles
    # The cards the map's script asks for carry the same distances.
    ids = ",".join(str(i.pk) for i in sample_initiatives.values() if i.status == "publiee")
    cards = client.get(reverse("map_cards"), {"ids": ids, "pres": "48.9077,2.4397"})
    assert "initiative-card__distance" in cards.content.decode()
    assert (
        "initiative-card__distance"
        not in client.get(reverse("map_cards"), {"ids": ids}).content.decode()
    )
