"""Every aria-describedby, aria-labelledby, aria-controls and aria-errormessage points to
an element of the same page, on every page type, with and without form errors (a hint or
an error that is never read is invisible to axe: it only checks that the attribute is
well formed)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage")


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in REFERENCES and value is not None:
                self.references += [(tag, name, target) for target in value.split()]


def dangling_references(html: str) -> list[tuple[str, str, str]]:
    parser = _References()
    parser.feed(html)
    return [ref for ref in parser.references if ref[2] not in parser.ids]


def check(client, url: str, *, data: dict | None = None) -> int:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
    html = response.content.decode()
    assert dangling_references(html) == [], url
    return html.count("aria-describedby")


@pytest.mark.django_db
def test_public_pages_point_to_existing_ids(client, sample_initiatives):
    epicerie = sample_initiatives["epicerie"]
    pages = [
        reverse("home"),
        reverse("home") + "?commune=zzzzzz&quartier=zzzzzz&thematique=inconnue",
        reverse("theme_list"),
        reverse("theme_detail", kwargs={"slug": "mobilite"}),
        reverse("centre_list"),
        reverse("centre_detail", kwargs={"slug": "profession-banlieue"}),
        reverse("initiative_detail", kwargs={"slug": epicerie.slug}),
        reverse("initiative_correction", kwargs={"slug": epicerie.slug}),
        reverse("qpv_list"),
        reverse("territories_gaps"),
        reverse("publications:index"),
        reverse("proposal_create"),
        reverse("open_data"),
        reverse("embed"),
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
    ]
    described = sum(check(client, url) for url in pages)
    assert described > 5  # the hints are tied to their fields
    # Forms in error: each error is tied to its field.
    described = check(client, reverse("proposal_create"), data={})
    described += check(
        client,
        reverse("initiative_correction", kwargs={"slug": epicerie.slug}),
        data={},
    )
    check(client, reverse("accounts:login"), data={"username": "x", "password": "y"})
    assert described > 5


@pytest.mark.django_db
def test_home_hints_are_read_with_their_fields(client, sample_initiatives):
    html = client.get(reverse("home")).content.decode()
    assert 'aria-describedby="id_q_helptext"' in html
    assert 'id="id_q_helptext"' in html
    assert 'aria-describedby="id_lieu_helptext"' in html
    assert 'id="id_lieu_helptext"' in html


@pytest.mark.django_db
def test_workspace_pages_point_to_existing_ids(client, people, sample_initiatives):
    client.login(username=people.manager.username, password=PASSWORD)
    epicerie = sample_initiatives["epicerie"]
    for url in [
        reverse("workspace:index"),
        reverse("workspace:initiative_create"),
        reverse("workspace:initiative_edit", kwargs={"pk": epicerie.pk}),
        reverse("workspace:queue"),
        reverse("workspace:members"),
        reverse("imports:upload"),
        reverse("apitokens:tokens"),
    ]:
        check(client, url)
    assert check(client, reverse("workspace:initiative_create"), data={"title": ""}) > 3
    client.logout()
    client.login(username=people.national.username, password=PASSWORD)
    check(client, reverse("publications:edition_index"))
    check(client, reverse("publications:edition_create"))
    check(client, reverse("publications:edition_create"), data={})
