"""The library's pages, feed, open data, API and workspace."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from pepites.resources.models import Resource, TextStatus
from pepites.resources.pdfwriter import text_pdf
from tests.initiatives.helpers import new_initiative
from tests.resources.helpers import docx, make_resource, study_pages, upload

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "expected_version": "",
        "title": "Guide de la création d'activité",
        "kind": "guide",
        "summary": "Pour accompagner les porteurs de projet.",
        "authors": "Léa Martin",
        "date": "2025-05-01",
        "licence": "lo-2.0",
        "status": "published",
        "external_url": "",
    }
    data.update(overrides)
    return data


def test_member_creates_a_resource_with_a_pdf_then_it_is_public(client, people, run_jobs):
    client.force_login(people.member)
    data = _form(centres=[people.pb.pk])
    data["file"] = upload(text_pdf(study_pages()), "guide.pdf")
    response = client.post(reverse("workspace_resource_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    resource = Resource.objects.get()
    run_jobs()
    client.logout()
    page = client.get(resource.get_absolute_url() + "?q=fromagerie").content.decode()
    assert "se trouve page 37 du document" in page
    assert '"@type": "CreativeWork"' in page
    assert "Aperçu de la première page" in page
    listing = client.get(reverse("resource_list"), {"centre": "profession-banlieue"})
    assert "Guide de la création d&#x27;activité" in listing.content.decode()
    centre_page = client.get(reverse("centre_detail", kwargs={"slug": "profession-banlieue"}))
    assert "Dernières ressources du centre" in centre_page.content.decode()


def test_macro_docx_is_refused_on_its_field_in_french(client, people):
    client.force_login(people.member)
    data = _form(centres=[people.pb.pk])
    data["file"] = upload(docx(["Bonjour"], macro=True), "rapport.docx")
    response = client.post(reverse("workspace_resource_create"), data)
    assert response.status_code == 400
    assert "contient des macros" in response.content.decode()
    assert not Resource.objects.exists()


def test_member_cannot_create_for_another_centre_nor_edit_its_resources(client, people):
    client.force_login(people.member)
    response = client.post(
        reverse("workspace_resource_create"),
        _form(centres=[people.labo.pk], external_url="https://example.org/x"),
    )
    assert response.status_code == 400  # Labo Cités is not among the member's choices
    other = make_resource(
        data=None, external_url="https://example.org/labo", centre_slug="labo-cites"
    )
    assert (
        client.get(reverse("workspace_resource_edit", kwargs={"pk": other.pk})).status_code == 403
    )


def test_edit_conflict_writes_nothing(client, people):
    resource = make_resource(data=None, external_url="https://example.org/a")
    client.force_login(people.member)
    url = reverse("workspace_resource_edit", kwargs={"pk": resource.pk})
    base = _form(centres=[people.pb.pk], external_url="https://example.org/a", expected_version=1)
    assert client.post(url, {**base, "title": "Premier"}).status_code == 302
    response = client.post(url, {**base, "title": "Second"})
    assert response.status_code == 409
    assert "Quelqu" in response.content.decode()
    resource.refresh_from_db()
    assert resource.title == "Premier" and resource.version == 2
    history = client.get(reverse("workspace_resource_history", kwargs={"pk": resource.pk}))
    assert history.status_code == 200 and "Premier" in history.content.decode()


def test_draft_is_hidden_from_the_public(client, reference_data):
    draft = make_resource(data=None, external_url="https://example.org/d", status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_initiative_page_lists_its_resources(client, reference_data):
    initiative = new_initiative(status="publiee")
    make_resource(
        title="Fiche expérience de la boutique",
        data=None,
        external_url="https://example.org/f",
        initiatives=[initiative],
    )
    page = client.get(reverse("initiative_detail", kwargs={"slug": initiative.slug}))
    assert "Ressources sur cette initiative" in page.content.decode()
    assert "Fiche expérience de la boutique" in page.content.decode()


def test_feed_export_and_api(client, reference_data, run_jobs):
    resource = make_resource(summary='=HYPERLINK("x")')
    run_jobs()
    feed = ET.fromstring(client.get(reverse("feed_resources")).content)
    assert feed.find("{http://www.w3.org/2005/Atom}entry") is not None
    csv_text = client.get(reverse("open_data_resources", kwargs={"fmt": "csv"})).content.decode()
    assert "'=HYPERLINK" in csv_text  # formulas neutralised
    rows = json.loads(client.get(reverse("open_data_resources", kwargs={"fmt": "json"})).content)
    assert rows[0]["titre"] == resource.title
    api = client.get("/api/v1/resources", {"type": "etude"}).json()
    assert api["count"] == 1
    assert api["results"][0]["page_count"] == 40
    assert api["results"][0]["text_extracted"] is True
    one = client.get(f"/api/v1/resources/{resource.uid}").json()
    assert one["title"] == resource.title
    assert client.get("/api/v1/resources", {"territoire": "x;drop"}).status_code in (400, 422)
    assert resource.text_status == TextStatus.PENDING  # (the instance read before the job)


def test_one_search_box_groups_initiatives_and_resources(client, reference_data, run_jobs):
    new_initiative(title="Une fromagerie solidaire", status="publiee")
    resource = make_resource()
    run_jobs()
    page = client.get(reverse("search_box"), {"q": "fromagerie"}).content.decode()
    assert page.index('id="groupe-initiative"') < page.index('id="groupe-resource"')
    assert "Une fromagerie solidaire" in page
    assert resource.title in page and "Trouvé page 37" in page
    only = client.get(reverse("search_box"), {"q": "fromagerie", "type": "resource"})
    assert 'id="groupe-initiative"' not in only.content.decode()
    assert client.get(reverse("search_box"), {"q": "\x00<>" * 100}).status_code == 200


def test_api_lists_the_publication_articles_once(client, issue):
    from pepites.publications.services import publish_issue

    publish_issue(issue=issue, notify=False, generate_pdf=False)
    api = client.get("/api/v1/resources").json()
    titles = [r["title"] for r in api["results"]]
    assert api["count"] == 2 and len(set(titles)) == 2
    assert {r["source"] for r in api["results"]} == {"article"}
