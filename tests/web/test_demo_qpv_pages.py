"""The embedded default without network: the demonstration QPV outlines in every QPV page,
each marked as demonstration, and the relation filter working against them."""

import pytest

from pepites.initiatives.demo import load_demo
from pepites.initiatives.placement.services import install_demo_qpvs

pytestmark = pytest.mark.django_db


def test_demo_qpvs_in_the_pages_the_filters_and_the_api(full_reference_data, client):
    install_demo_qpvs()
    load_demo()

    page = client.get("/quartiers/").content.decode()
    assert "Francs-Moisins (démonstration)" in page and "QD09301D" in page
    assert "Contours de démonstration" in page and "Ces quartiers sont fictifs" in page
    assert "Liste officielle des quartiers prioritaires publiée par l'ANCT" not in page

    detail = client.get("/quartiers/QD09301D/").content.decode()
    assert "Ces quartiers sont fictifs" in detail
    assert "Épicerie solidaire du quartier des Francs-Moisins" in detail

    gaps = client.get("/territoires/manques/").content.decode()
    assert "Ces quartiers sont fictifs" in gaps
    assert "Le Haut-Montreuil (démonstration)" in gaps  # a QPV without initiative

    everything = client.get("/api/v1/initiatives").json()["count"]
    inside = client.get("/api/v1/initiatives?relation=dans").json()["count"]
    near = client.get("/api/v1/initiatives?relation=proximite").json()["count"]
    assert 0 < inside < everything and 0 < near < everything
    in_one = client.get("/api/v1/initiatives?quartier=QD09301D").json()["count"]
    assert in_one == 1

    qpvs = client.get("/api/v1/qpv").json()
    assert qpvs["count"] >= 15
    assert all(q["is_demo"] and q["generation"] == "demo" for q in qpvs["results"])
