"""The map's data file: what it holds, how it is served (ETag, 304, encodings), and when it
changes. The same answers come from the Django view and from the WSGI fast path."""

import gzip

import brotli
import pytest
from django.test import override_settings
from django.urls import reverse

from pepites.initiatives import mapdata, mapstore
from pepites.initiatives.services import update_initiative
from pepites.web.initiatives.mapdata_http import MapDataFastPath, choose_encoding, etag_matches
from tests.initiatives.helpers import new_initiative


def fetch(client, **headers):
    response = client.get(reverse("map_data"), **headers)
    return response, response.content


@pytest.mark.django_db
def test_the_file_holds_every_published_initiative_in_list_order(client, sample_initiatives):
    response, body = fetch(client, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Cache-Control"] == "public, no-cache"
    data = mapdata.decode(gzip.decompress(body))
    header, columns = data["header"], data["columns"]
    epicerie, garage, lyon = (sample_initiatives[k] for k in ("epicerie", "garage", "lyon"))
    assert columns["id"] == [lyon.pk, garage.pk, epicerie.pk]  # newest first, no draft
    assert header["count"] == 3
    row = columns["id"].index(epicerie.pk)
    assert columns["lat"][row] == round(48.9277 * header["scale"])
    assert columns["lon"][row] == round(2.3652 * header["scale"])
    assert header["themes"][columns["theme"][row]] == "commerce-proximite"
    mask = columns["themes"][row]
    assert {s for i, s in enumerate(header["themes"]) if mask & (1 << i)} == {
        "commerce-proximite",
        "ess",
    }
    assert header["centres"][columns["centre"][row] - 1] == "profession-banlieue"
    commune = columns["commune"][row]
    assert header["communes"][commune * 5 : commune * 5 + 5] == "93066"
    assert header["departements"][header["commune_departements"][commune]] == "93"
    assert header["regions"][header["commune_departements"][commune]] == "11"
    garage_row = columns["id"].index(garage.pk)
    assert columns["centre"][garage_row] == 0  # Seine-et-Marne: the national team
    lyon_row = columns["id"].index(lyon.pk)
    assert header["commune_parents"] == {"69388": "69123"}
    assert header["communes"][columns["commune"][lyon_row] * 5 :][:5] == "69388"


@pytest.mark.django_db
def test_positions_flags_and_approximate_points(client, reference_data):
    placed = new_initiative(title="Placée", status="publiee", latitude=48.93, longitude=2.36)
    unplaced = new_initiative(title="Sans point", status="publiee", commune_code="93066")
    far = new_initiative(title="Sans point ni voisin", status="publiee", commune_code="14118")
    from pepites.initiatives.models import Initiative

    Initiative.objects.filter(pk=placed.pk).update(qpv_relation="dans")
    _response, body = fetch(client)  # no Accept-Encoding: the raw bytes
    data = mapdata.decode(body)
    columns, header = data["columns"], data["header"]
    rows = {pk: i for i, pk in enumerate(columns["id"])}
    assert columns["flags"][rows[placed.pk]] == mapdata.FLAG_IN_QPV
    # Without coordinates: the centre of the commune's located initiatives…
    assert columns["flags"][rows[unplaced.pk]] == mapdata.FLAG_APPROXIMATE
    assert columns["lat"][rows[unplaced.pk]] == round(48.93 * header["scale"])
    # …else the prefecture of the département (Caen for Calvados).
    assert columns["flags"][rows[far.pk]] == mapdata.FLAG_APPROXIMATE
    assert abs(columns["lat"][rows[far.pk]] / header["scale"] - 49.18) < 0.05


@pytest.mark.django_db
def test_etag_304_and_encodings(client, sample_initiatives):
    first, body = fetch(client, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert first["Content-Encoding"] == "br"
    assert "Accept-Encoding" in first["Vary"]
    raw = brotli.decompress(body)
    again, _ = fetch(
        client, HTTP_ACCEPT_ENCODING="gzip, deflate, br", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    # Each encoding has its own strong ETag; the bytes are the same once decoded.
    gz, gz_body = fetch(client, HTTP_ACCEPT_ENCODING="gzip")
    assert gz["ETag"] != first["ETag"]
    assert gzip.decompress(gz_body) == raw
    plain, plain_body = fetch(client, HTTP_ACCEPT_ENCODING="br;q=0, gzip;q=0")
    assert "Content-Encoding" not in plain
    assert plain_body == raw
    stale, _ = fetch(client, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH='"autre"')
    assert stale.status_code == 200
    assert client.post(reverse("map_data")).status_code == 405


@pytest.mark.django_db
def test_a_write_through_the_services_reaches_the_map_after_its_build(
    client, sample_initiatives, settings, run_jobs
):
    settings.MAPDATA_VERSION_SECONDS = 0  # instead of waiting for the delay to pass
    first, _ = fetch(client, HTTP_ACCEPT_ENCODING="gzip")
    garage = sample_initiatives["garage"]
    update_initiative(initiative=garage, expected_version=garage.version, status="archivee")
    # Until the queued build has run, the previous version is served.
    waiting, _ = fetch(client, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert waiting.status_code == 304
    assert run_jobs() == 1
    second, body = fetch(client, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert garage.pk not in mapdata.decode(gzip.decompress(body))["columns"]["id"]


@pytest.mark.django_db
def test_a_write_outside_the_services_is_seen_at_the_periodic_check(
    client, sample_initiatives, settings, run_jobs
):
    from django.utils import timezone

    from pepites.initiatives.models import Initiative
    from pepites.initiatives.tasks import refresh_map_data

    settings.MAPDATA_VERSION_SECONDS = 0
    first, _ = fetch(client, HTTP_ACCEPT_ENCODING="gzip")
    # A bulk write that dates itself, as every writer outside the services must.
    Initiative.objects.filter(pk=sample_initiatives["draft"].pk).update(
        status="publiee", updated_at=timezone.now()
    )
    refresh_map_data.enqueue()  # what the scheduler does every minute
    run_jobs()
    second, body = fetch(client, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert len(mapdata.decode(gzip.decompress(body))["columns"]["id"]) == 4
    # The QPV placement writes without a modification date, but dates its placement.
    Initiative.objects.filter(pk=sample_initiatives["garage"].pk).update(
        qpv_relation="dans", qpv_placed_at=timezone.now()
    )
    refresh_map_data.enqueue()
    run_jobs()
    third, body = fetch(client, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=second["ETag"])
    assert third.status_code == 200
    data = mapdata.decode(gzip.decompress(body))["columns"]
    garage = data["id"].index(sample_initiatives["garage"].pk)
    assert data["flags"][garage] == mapdata.FLAG_IN_QPV


@pytest.mark.django_db
def test_the_build_is_deterministic(sample_initiatives):
    assert mapdata.build(version="v1").raw == mapdata.build(version="v1").raw


def test_encoding_negotiation_and_etag_comparison():
    assert choose_encoding("") == "identity"
    assert choose_encoding("gzip, deflate") == "gzip"
    assert choose_encoding("gzip, br") == "br"
    assert choose_encoding("br;q=0, gzip") == "gzip"
    assert choose_encoding("*") == "gzip"
    assert etag_matches('"a-gzip", "b-gzip"', '"b-gzip"')
    assert etag_matches('W/"b-gzip"', '"b-gzip"')
    assert etag_matches("*", '"b-gzip"')
    assert not etag_matches("", '"b-gzip"')


@pytest.mark.django_db
def test_the_wsgi_fast_path_answers_like_the_view(client, sample_initiatives):
    view, view_body = fetch(client, HTTP_ACCEPT_ENCODING="gzip")

    def call(headers):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": reverse("map_data"),
            "HTTP_ACCEPT_ENCODING": "gzip",
            **headers,
        }
        seen = {}

        def start_response(status, response_headers):
            seen["status"], seen["headers"] = status, dict(response_headers)

        fallback = MapDataFastPath(lambda environ, start: [b"django"])
        answer = fallback(environ, start_response)
        body = b"".join(answer)
        if hasattr(answer, "close"):
            answer.close()  # as a WSGI server does
        return seen["status"], seen["headers"], body

    with override_settings(MAPDATA_VERSION_SECONDS=60):
        status, headers, body = call({})
        assert status == "200 OK"
        assert body == view_body
        assert headers["ETag"] == view["ETag"]
        assert headers["Content-Length"] == str(len(view_body))
        for name in ("Content-Encoding", "Cache-Control", "Content-Type"):
            assert headers[name] == view[name]
        assert headers["Vary"] == "Accept-Encoding"  # the view's adds Accept-Language
        status, headers, body = call({"HTTP_IF_NONE_MATCH": view["ETag"]})
        assert (status, body) == ("304 Not Modified", b"")
        status, headers, body = call({"REQUEST_METHOD": "HEAD"})
        assert (status, body) == ("200 OK", b"")
    other = MapDataFastPath(lambda environ, start: [b"django"])
    assert b"".join(other({"PATH_INFO": "/", "REQUEST_METHOD": "GET"}, None)) == b"django"


@pytest.mark.django_db
def test_the_map_page_points_at_the_current_version(client, sample_initiatives):
    response = client.get(reverse("home"))
    config = response.context["map_page"]
    version = mapstore.current_version()
    assert config["dataUrl"] == f"{reverse('map_data')}?v={version}"
    assert config["pageIds"] == [i.pk for i in response.context["page"].object_list]
