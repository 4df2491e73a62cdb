"""Malformed or oversized input through the real entry points: a clear French refusal
(413, 400, 422 or the form's error), never a 500."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pepites.accounts.tokens import create_token
from pepites.initiatives.models import Initiative
from tests.contrib_helpers import proposal_form_post
from tests.web.test_workspace import form_post

API = "/api/v1/initiatives"
RLO = "\u202e"


@pytest.fixture
def api_headers(people):
    raw = create_token(user=people.member, name="t", scope="write").raw
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def api_payload(**overrides):
    payload = {
        "title": "Une boutique à l'essai",
        "summary": "Un local prêté six mois.",
        "porteur_name": "Association Commerces en quartier",
        "commune_code": "93066",
        "theme_slugs": ["commerce-proximite"],
    }
    payload.update(overrides)
    return payload


def api_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


def test_an_api_body_over_the_limit_is_a_413_in_french(client, api_headers, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    body = json.dumps(api_payload(context="x" * 200_000))
    error = api_error(client.post(API, body, content_type="application/json", **api_headers), 413)
    assert error["code"] == "payload_too_large"
    assert "trop volumineuse" in error["message"] and "0,1 Mo" in error["message"]
    assert not Initiative.objects.exists()


def test_a_declared_length_over_the_total_limit_is_refused_before_reading(client, api_headers):
    response = client.post(
        API, "{}", content_type="application/json", CONTENT_LENGTH="999999999", **api_headers
    )
    assert "999999999" not in api_error(response, 413)["message"]  # said in Mo
    assert "953,7 Mo" in api_error(response, 413)["message"]


def test_a_body_that_is_not_json_is_said_in_french(client, api_headers):
    response = client.post(API, '{"title": ', content_type="application/json", **api_headers)
    error = api_error(response, 400)
    assert error["message"].startswith("Corps de la requête illisible : JSON invalide ligne 1")
    assert "Cannot" not in error["message"]


def test_unknown_fields_wrong_types_and_nul_bytes_name_the_field(client, api_headers):
    body = api_payload(title="a\x00b", inconnu=1, summary=3, start_year="deux mille")
    error = api_error(
        client.post(API, json.dumps(body), content_type="application/json", **api_headers), 422
    )
    messages = {f["field"]: f["message"] for f in error["fields"]}
    assert messages == {
        "title": "caractère nul interdit",
        "summary": "Texte attendu.",
        "start_year": "Nombre entier attendu.",
        "inconnu": "Champ inconnu.",
    }


def test_a_megabyte_text_is_refused_with_the_fields_limit_by_the_api(client, api_headers):
    body = json.dumps(api_payload(context="x" * 1_000_000))
    error = api_error(client.post(API, body, content_type="application/json", **api_headers), 422)
    assert error["fields"] == [
        {"field": "context", "message": "Texte trop long (5000 caractères au plus)."}
    ]


def test_bidi_overrides_in_a_title_are_refused_by_the_api(client, api_headers):
    body = json.dumps(api_payload(title=f"Épicerie {RLO}edilos"))
    error = api_error(client.post(API, body, content_type="application/json", **api_headers), 400)
    assert error["fields"][0]["field"] == "title"
    assert "U+202E" in error["fields"][0]["message"]
    assert not Initiative.objects.exists()


def test_an_html_form_over_the_limit_is_a_413_page_in_french(client, people, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    client.force_login(people.member)
    response = client.post("/espace/initiatives/nouvelle/", form_post(context="x" * 200_000))
    assert response.status_code == 413
    html = response.content.decode()
    assert "Envoi trop volumineux" in html and "Rien n'a été enregistré" in html
    response = client.post("/proposer/", proposal_form_post(summary="x" * 200_000))
    assert response.status_code == 413 and "Envoi trop volumineux" in response.content.decode()


def test_an_upload_over_the_total_limit_is_a_413(client, people, settings):
    settings.REQUEST_MAX_BYTES = 50_000
    client.force_login(people.member)
    upload = SimpleUploadedFile("gros.csv", b"titre\n" + b"x" * 60_000)
    response = client.post("/espace/import/", {"file": upload, "centre": "profession-banlieue"})
    assert response.status_code == 413
    assert "fichiers compris" in response.content.decode()


def test_the_edit_form_refuses_a_megabyte_text_and_a_reversed_title(client, people):
    client.force_login(people.member)
    response = client.post(
        "/espace/initiatives/nouvelle/",
        form_post(title=f"Épicerie {RLO}edilos", actions="x" * 1_000_000),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "U+202E" in errors["title"][0]
    assert "5000" in errors["actions"][0].replace("\u202f", "").replace(" ", "")
    assert not Initiative.objects.exists()


def test_the_public_form_refuses_a_reversed_title(client, people):
    response = client.post("/proposer/", proposal_form_post(title=f"Épicerie {RLO}edilos"))
    assert response.status_code == 400
    assert "U+202E" in response.content.decode()
