"""/api/v1/: reads with the map's filters, writes with personal tokens under the interface's
rules, one JSON shape for errors, CORS for reading."""

import pytest
from django.utils import timezone

from pepites.accounts.models import ApiToken
from pepites.accounts.tokens import authenticate, create_token, revoke_token
from pepites.api.schemas import Kind, Status
from pepites.initiatives.models import Initiative, InitiativeStatus, PorteurKind
from tests.initiatives.helpers import new_initiative


@pytest.fixture
def published(reference_data):
    return {
        "epicerie": new_initiative(
            title="Épicerie solidaire",
            commune_code="93066",
            theme_slugs=["commerce-proximite", "ess"],
            latitude=48.93,
            longitude=2.36,
            status="publiee",
            contact_name="Awa",
            contact_consent=True,
        ),
        "lyon": new_initiative(
            title="Couveuse du 8e",
            commune_code="69388",
            theme_slugs=["entrepreneuriat"],
            latitude=45.735,
            longitude=4.87,
            status="publiee",
        ),
        "draft": new_initiative(title="Brouillon", commune_code="93066"),
    }


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    if field is not None:
        assert field in [f["field"] for f in error["fields"]], error
    return error


# --- Reading ----------------------------------------------------------------------------------


def test_list_with_the_maps_filters(client, published):
    data = client.get("/api/v1/initiatives").json()
    assert data["count"] == 2 and data["pages"] == 1
    titles = lambda url: [i["title"] for i in client.get(url).json()["results"]]  # noqa: E731
    assert titles("/api/v1/initiatives?thematique=ess&thematique=mobilite") == [
        "Épicerie solidaire"
    ]
    assert titles("/api/v1/initiatives?departement=69") == ["Couveuse du 8e"]
    assert titles("/api/v1/initiatives?region=84") == ["Couveuse du 8e"]
    assert titles("/api/v1/initiatives?commune=Saint-Denis 93") == ["Épicerie solidaire"]
    assert titles("/api/v1/initiatives?centre=profession-banlieue") == ["Épicerie solidaire"]
    assert titles("/api/v1/initiatives?pres=45.7,4.8") == ["Couveuse du 8e", "Épicerie solidaire"]


def test_pagination(client, published):
    first = client.get("/api/v1/initiatives?page_size=1").json()
    assert (first["count"], first["pages"], first["previous"]) == (2, 2, None)
    assert first["next"].endswith("/api/v1/initiatives?page_size=1&page=2")
    second = client.get("/api/v1/initiatives?page_size=1&page=2").json()
    assert second["next"] is None and second["previous"].endswith("page=1")
    assert first["results"][0]["uid"] != second["results"][0]["uid"]
    assert client.get("/api/v1/initiatives?page=9").json()["results"] == []


def test_one_initiative_by_slug_or_uid(client, published):
    epicerie = published["epicerie"]
    by_slug = client.get(f"/api/v1/initiatives/{epicerie.slug}").json()
    by_uid = client.get(f"/api/v1/initiatives/{epicerie.uid}").json()
    assert by_slug == by_uid
    assert by_slug["themes"] == ["commerce-proximite", "ess"]
    assert by_slug["place"]["commune_code"] == "93066"
    assert by_slug["centre"] == {"slug": "profession-banlieue", "name": epicerie.centre.name}
    assert by_slug["contact"]["name"] == "Awa"
    assert by_slug["url"].endswith(f"/initiatives/{epicerie.slug}/")
    assert_error(client.get(f"/api/v1/initiatives/{published['draft'].slug}"), 404, "not_found")


def test_geojson(client, published):
    response = client.get("/api/v1/initiatives.geojson?departement=93")
    assert response["Content-Type"] == "application/geo+json"
    document = __import__("json").loads(b"".join(response.streaming_content))
    assert [f["properties"]["titre"] for f in document["features"]] == ["Épicerie solidaire"]
    assert document["licence"]["name"] == "etalab-2.0"
    assert document["filters"] == {"departement": "93"}


def test_reference_data(client, published):
    themes = client.get("/api/v1/themes").json()
    assert len(themes) == 10
    assert {t["slug"]: t["published_count"] for t in themes}["ess"] == 1
    assert client.get("/api/v1/themes/ess").json()["label"] == "Économie sociale et solidaire"
    centres = client.get("/api/v1/centres").json()
    assert len(centres) == 20
    pb = client.get("/api/v1/centres/profession-banlieue").json()
    assert pb["departements"] == ["93"] and pb["published_count"] == 1
    assert len(client.get("/api/v1/territories/regions").json()) >= 18
    assert {d["code"] for d in client.get("/api/v1/territories/departements?region=11").json()} >= {
        "93",
        "75",
    }
    found = client.get("/api/v1/territories/communes?q=93200").json()
    assert [c["code"] for c in found["results"]] == ["93066"]
    assert client.get("/api/v1/territories/communes/2A004").json()["name"] == "Ajaccio"
    assert client.get("/api/v1/qpv").json()["count"] == 0
    assert_error(client.get("/api/v1/qpv/QN09301M"), 404, "not_found")
    assert_error(client.get("/api/v1/themes/inconnue"), 404, "not_found")


def test_qpv(client, reference_data, tmp_path):
    from pepites.initiatives.placement.services import import_qpv
    from pepites.territories.qpv_files import read_qpv_file
    from tests.territories.qpv_samples import write_geojson

    import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))
    listed = client.get("/api/v1/qpv?departement=93").json()
    assert listed["count"] >= 1
    code = listed["results"][0]["code"]
    detail = client.get(f"/api/v1/qpv/{code}").json()
    assert detail["outline"]["type"] in {"Polygon", "MultiPolygon"}
    assert client.get(f"/api/v1/qpv?commune={detail['communes'][0]['code']}").json()["count"] >= 1


def test_errors_have_one_shape(client, published):
    assert_error(client.get("/api/v1/initiatives?region=zz"), 400, "invalid", "region")
    assert_error(client.get("/api/v1/initiatives?page=0"), 422, "invalid_request", "page")
    error = assert_error(client.get("/api/v1/initiatives?page_size=abc"), 422, "invalid_request")
    assert error["fields"][0]["message"] == "Nombre entier attendu."
    assert_error(client.get("/api/v1/initiatives?pres=nord"), 400, "invalid", "pres")
    assert_error(client.get("/api/v1/nulle/part"), 404, "not_found")
    assert_error(client.get("/api/v1/initiatives?q=%00"), 422, "invalid_request", "q")
    wrong_method = client.delete("/api/v1/initiatives")
    assert_error(wrong_method, 405, "method_not_allowed")
    assert "GET" in wrong_method["Allow"]


def test_cors_is_open_for_reading_only(client, published):
    response = client.get("/api/v1/themes", HTTP_ORIGIN="https://centre.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/initiatives",
        HTTP_ORIGIN="https://centre.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://x.example")


def test_openapi_schema_and_documentation(client, reference_data):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/initiatives", "/api/v1/initiatives/{ident}", "/api/v1/qpv"} <= set(
        schema["paths"]
    )
    assert (
        "BearerAuth" in str(schema["components"]["securitySchemes"])
        or schema["components"]["securitySchemes"]
    )
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui" in page.content
    assert b"cdn" not in page.content.lower()  # the documentation's assets are ours


def test_schema_choices_follow_the_models():
    assert set(Status.__args__) == set(InitiativeStatus.values)
    assert set(Kind.__args__) == set(PorteurKind.values)


# --- Tokens and writing -----------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_can_be_revoked(people):
    new = create_token(user=people.member, name="site du centre")
    assert new.raw.startswith("pep_") and new.raw not in str(ApiToken.objects.values())
    assert authenticate(new.raw).user == people.member
    assert authenticate(new.raw + "x") is None
    assert revoke_token(user=people.member, token_id=new.token.pk)
    assert authenticate(new.raw) is None
    expired = create_token(user=people.member, name="vieux", expires_at=timezone.now())
    assert authenticate(expired.raw) is None


CREATION = {
    "title": "Laverie solidaire",
    "summary": "Une laverie et un lieu d'accès aux droits.",
    "porteur_name": "Association Lave",
    "commune_code": "93066",
    "theme_slugs": ["innovation-sociale"],
    "latitude": 48.93,
    "longitude": 2.36,
    "links": [{"url": "https://laverie.example.org", "label": "Site"}],
}


def test_a_member_creates_for_their_centre(client, people):
    token = create_token(user=people.member, name="t", scope="write").raw
    response = client.post(
        "/api/v1/initiatives", CREATION, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "brouillon"
    assert created["centre"]["slug"] == "profession-banlieue"
    assert created["links"] == [{"url": "https://laverie.example.org", "label": "Site"}]
    initiative = Initiative.objects.get(uid=created["uid"])
    assert initiative.history.first().history_user == people.member
    assert initiative.location_status == "manual"


def test_writes_follow_the_interfaces_rules(client, people):
    token = create_token(user=people.member, name="t", scope="write").raw
    elsewhere = {**CREATION, "commune_code": "69388"}
    assert_error(
        client.post(
            "/api/v1/initiatives", elsewhere, content_type="application/json", **bearer(token)
        ),
        403,
        "forbidden",
    )
    outsider = create_token(user=people.outsider, name="t", scope="write").raw
    assert_error(
        client.post(
            "/api/v1/initiatives", CREATION, content_type="application/json", **bearer(outsider)
        ),
        403,
        "forbidden",
    )
    national = create_token(user=people.national, name="t", scope="write").raw
    response = client.post(
        "/api/v1/initiatives", elsewhere, content_type="application/json", **bearer(national)
    )
    assert response.status_code == 201


def test_writing_needs_a_valid_token(client, people):
    response = client.post("/api/v1/initiatives", CREATION, content_type="application/json")
    assert_error(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_error(
        client.post(
            "/api/v1/initiatives", CREATION, content_type="application/json", **bearer("pep_faux")
        ),
        401,
        "unauthenticated",
    )
    # The session of the interface is not enough: no cross-site writes with cookies.
    client.force_login(people.member)
    assert_error(
        client.post("/api/v1/initiatives", CREATION, content_type="application/json"),
        401,
        "unauthenticated",
    )


def test_invalid_writes_name_the_field(client, people):
    token = create_token(user=people.member, name="t", scope="write").raw
    bad_commune = {**CREATION, "commune_code": "99999"}
    assert_error(
        client.post(
            "/api/v1/initiatives", bad_commune, content_type="application/json", **bearer(token)
        ),
        400,
        "invalid",
        "commune_code",
    )
    bad_theme = {**CREATION, "theme_slugs": ["inconnue"]}
    assert_error(
        client.post(
            "/api/v1/initiatives", bad_theme, content_type="application/json", **bearer(token)
        ),
        400,
        "invalid",
        "theme_slugs",
    )
    missing = {k: v for k, v in CREATION.items() if k != "title"}
    error = assert_error(
        client.post(
            "/api/v1/initiatives", missing, content_type="application/json", **bearer(token)
        ),
        422,
        "invalid_request",
        "title",
    )
    assert error["fields"][0]["message"] == "Champ obligatoire."
    consentless = {**CREATION, "contact_name": "Awa"}
    assert_error(
        client.post(
            "/api/v1/initiatives", consentless, content_type="application/json", **bearer(token)
        ),
        400,
        "invalid",
        "contact_consent",
    )
    assert Initiative.objects.count() == 0


def test_updates_with_optimistic_locking(client, people):
    token = create_token(user=people.member, name="t", scope="write").raw
    initiative = new_initiative(commune_code="93066")
    url = f"/api/v1/initiatives/{initiative.slug}"
    response = client.patch(
        url,
        {"version": 1, "title": "Nouveau titre", "status": "publiee"},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Nouveau titre" and response.json()["version"] == 2
    assert Initiative.objects.get().published_at is not None
    stale = client.patch(
        url, {"version": 1, "title": "Trop tard"}, content_type="application/json", **bearer(token)
    )
    assert_error(stale, 409, "conflict", "version")
    assert Initiative.objects.get().title == "Nouveau titre"
    other = create_token(user=people.other_member, name="t", scope="write").raw
    assert_error(
        client.patch(
            url, {"version": 2, "title": "X"}, content_type="application/json", **bearer(other)
        ),
        403,
        "forbidden",
    )


def test_a_draft_of_another_centre_is_not_even_found(client, people):
    token = create_token(user=people.other_member, name="t", scope="write").raw
    draft = new_initiative(commune_code="93066")
    response = client.patch(
        f"/api/v1/initiatives/{draft.slug}",
        {"version": 1, "title": "X"},
        content_type="application/json",
        **bearer(token),
    )
    assert_error(response, 404, "not_found")


def test_tokens_page_of_the_workspace(client, people):
    client.force_login(people.member)
    page = client.get("/espace/api/")
    assert page.status_code == 200
    response = client.post("/espace/api/", {"name": "Notre site", "scope": "read"})
    raw = response.context["new_token"].raw
    assert raw.encode() in response.content
    assert authenticate(raw).user == people.member
    token = ApiToken.objects.get()
    client.post(f"/espace/api/{token.pk}/revoquer")
    assert authenticate(raw) is None
    client.force_login(people.outsider)
    assert client.get("/espace/api/").status_code == 403
