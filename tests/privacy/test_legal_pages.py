"""Legal pages in French, linked from every page's footer, editable by the national team;
the site sets only necessary cookies, as the cookies page says."""

import pytest

from pepites.privacy.models import LegalPage
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = ["/mentions-legales/", "/donnees-personnelles/", "/accessibilite/", "/cookies/"]


def test_every_page_links_the_legal_pages(client, reference_data):
    for path in ("/", "/centres/", "/proposer/", "/compte/connexion/", *PAGES):
        html = client.get(path).content.decode()
        for page in PAGES:
            assert f'href="{page}"' in html, (path, page)


def test_defaults_say_they_are_to_be_completed_then_the_national_team_edits(client, people):
    html = client.get("/mentions-legales/").content.decode()
    assert "<h1>Mentions légales</h1>" in html and "À compléter par l" in html
    assert "RGAA" in client.get("/accessibilite/").content.decode()
    client.force_login(people.national)
    response = client.post(
        "/admin/privacy/legalpage/add/",
        {"slug": "mentions-legales", "title": "Mentions légales", "body": "Édité par **nous**."},
    )
    assert response.status_code == 302
    html = client.get("/mentions-legales/").content.decode()
    assert "<strong>nous</strong>" in html and "À compléter" not in html
    client.force_login(people.member)
    assert client.get("/admin/privacy/legalpage/add/").status_code == 302  # not staff
    assert LegalPage.objects.count() == 1


def test_only_necessary_cookies(client, people):
    assert not client.get("/").cookies  # a visitor gets no cookie at all
    assert not client.get("/cookies/").cookies
    form = client.get("/proposer/")
    assert set(form.cookies) <= {"csrftoken"}
    client.post("/compte/connexion/", {"username": "membre.pb@example.org", "password": PASSWORD})
    assert set(client.cookies) <= {"csrftoken", "sessionid"}
    cookies_page = client.get("/cookies/").content.decode()
    assert "sessionid" in cookies_page and "csrftoken" in cookies_page
