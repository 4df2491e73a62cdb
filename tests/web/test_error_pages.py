"""Error pages in French, in the site's layout, with a way back (search, home)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.views.defaults import permission_denied

from pepites.web.core.errors import server_error


def assert_way_back(html: str) -> None:
    assert 'role="search"' in html and 'name="q"' in html
    assert "Retour à l'accueil" in html
    assert 'class="site-header"' in html  # the site's own layout


@pytest.mark.django_db
def test_404_page(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Cette page n'existe pas ou plus" in html
    assert_way_back(html)


@pytest.mark.django_db
def test_400_page_for_a_host_that_is_not_served():
    response = Client(HTTP_HOST="inconnu.example").get("/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette demande n'a pas pu être comprise" in html
    assert_way_back(html)


def test_403_page(rf):
    response = permission_denied(rf.get("/espace/"), PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "Vous n'avez pas accès à cette page" in html
    assert_way_back(html)


@pytest.mark.django_db
def test_csrf_failure_page_is_in_french(reference_data):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/proposer/", {"title": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Le formulaire n'a pas pu être vérifié" in html
    assert "rechargez-la" in html
    assert_way_back(html)


def test_500_page_renders_without_the_database(rf):
    """No django_db mark: any query would raise. (With the database really unreachable:
    tests/core/test_degraded_server.py.)"""
    request = rf.get("/")
    request.request_id = "abcdef0123456789"
    response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Un problème nous empêche d'afficher cette page" in html
    assert "abcdef0123456789" in html
    assert_way_back(html)
