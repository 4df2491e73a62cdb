"""The map's QPV filters ("quartier" and "relation"): the page rendered by the server, the
answers the map's scripts ask for (ids of a QPV, suggestions), and the same parameters in
the API, the open data files and the embeddable map."""

import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from pepites.initiatives.selectors import QPV_RELATION_FILTER_CHOICES
from pepites.web.initiatives.idlists import delta_decode
from tests.territories.qpv_fixtures import import_sample_qpvs, place_initiatives_around_qpvs

pytestmark = pytest.mark.django_db

PUITS_LABEL = "Quartier du Puits — Saint-Denis (QN09301M)"
ALL_PUBLISHED = [
    "Boutique à l'essai",
    "Couveuse d'activités",
    "Couveuse lyonnaise",
    "Fabrique entre deux quartiers",
    "Plateforme emploi",
]


@pytest.fixture
def around(reference_data, tmp_path):
    import_sample_qpvs(tmp_path)
    return place_initiatives_around_qpvs()


def home(client, **params):
    response = client.get(reverse("home") + "?" + urlencode(params, doseq=True))
    assert response.status_code == 200
    return response


def titles(response) -> list[str]:
    return sorted(i.title for i in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"quartier": "QN09301M"},
            [
                "Boutique à l'essai",
                "Couveuse d'activités",
                "Fabrique entre deux quartiers",
                "Plateforme emploi",
            ],
        ),
        ({"quartier": "qn09301m", "relation": "pour"}, ["Plateforme emploi"]),
        ({"quartier": "puits", "relation": "dans"}, ["Boutique à l'essai"]),
        (
            {"quartier": PUITS_LABEL, "relation": "proximite"},
            ["Couveuse d'activités", "Fabrique entre deux quartiers"],
        ),
        ({"quartier": "QN09301M", "relation": "hors"}, []),
        ({"quartier": "deux rives", "thematique": "emploi-insertion"}, ["Plateforme emploi"]),
        ({"relation": "dans"}, ["Boutique à l'essai", "Fabrique entre deux quartiers"]),
        ({"relation": "proximite"}, ["Couveuse d'activités"]),
        ({"relation": "pour"}, ["Plateforme emploi"]),
        ({"relation": "hors"}, ["Couveuse lyonnaise", "Plateforme emploi"]),
        ({"relation": "hors", "region": "84"}, ["Couveuse lyonnaise"]),
    ],
)
def test_the_home_page_filters_by_qpv_and_relation(client, around, params, expected):
    assert titles(home(client, **params)) == expected


def test_a_qpv_chosen_is_named_and_needs_the_servers_ids(client, around):
    response = home(client, quartier="QN09301M", relation="pour")
    html = response.content.decode()
    assert f"Quartier : {PUITS_LABEL}" in html
    assert 'name="quartier" value="QN09301M"' in html
    assert '<option value="pour" selected>' in html
    assert '<details class="filters__more" open>' in html
    # The worker cannot tell which QPV: the page's script asks /carte/recherche first.
    assert response.context["map_page"]["initialFilters"] is None
    relation_only = home(client, relation="hors").context["map_page"]["initialFilters"]
    assert relation_only["relation"] == "hors"


def test_an_unknown_or_ambiguous_qpv_is_reported_and_ignored(client, around):
    response = home(client, quartier="Zorglub", relation="pour")
    html = response.content.decode()
    assert "Aucun quartier prioritaire ne correspond à « Zorglub »." in html
    assert titles(response) == ["Plateforme emploi"]  # the relation still applies
    assert response.context["map_page"]["initialFilters"]["relation"] == "pour"
    response = home(client, quartier="quartier saint-denis")
    html = response.content.decode()
    assert "Plusieurs quartiers prioritaires correspondent à « quartier saint-denis »" in html
    assert "tapez son code, ex. Quartier de la Gare — Saint-Denis; Montreuil (QN09303M)" in html
    assert titles(response) == ALL_PUBLISHED
    response = home(client, relation="partout")
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert titles(response) == ALL_PUBLISHED


def test_older_links_in_a_qpv_read_as_relation_dans(client, around):
    response = home(client, qpv="on")
    assert titles(response) == ["Boutique à l'essai", "Fabrique entre deux quartiers"]
    assert '<option value="dans" selected>' in response.content.decode()
    assert response.context["map_page"]["initialFilters"]["relation"] == "dans"
    # An explicit relation wins.
    assert titles(home(client, qpv="on", relation="pour")) == ["Plateforme emploi"]


def test_the_fields_have_labels_help_and_a_datalist_of_the_territory(client, around):
    html = home(client).content.decode()
    assert '<label for="id_quartier">Quartier prioritaire (QPV)</label>' in html
    assert 'list="quartiers-suggestions"' in html
    assert 'aria-describedby="id_quartier_helptext"' in html
    assert 'id="id_quartier_helptext"' in html and 'id="id_relation_helptext"' in html
    assert '<label for="id_relation">Situation par rapport aux QPV</label>' in html
    assert '<datalist id="quartiers-suggestions"></datalist>' in html  # not all ~1,600
    html = home(client, departement="974").content.decode()
    assert '<option value="Quartier du Chaudron (test) — Saint-Denis (QN97401M)">' in html
    assert "QN09301M)" not in html
    values = [value for value, _label in QPV_RELATION_FILTER_CHOICES]
    for value in values:
        assert f'<option value="{value}">' in html


def search(client, **params):
    response = client.get(reverse("map_search") + "?" + urlencode(params))
    assert response.status_code == 200
    answer = response.json()
    answer["ids"] = delta_decode(answer.pop("ids_delta"))  # the compact list, decoded
    assert answer.pop("count") == len(answer["ids"])
    return answer


def test_the_map_asks_the_ids_of_a_qpv(client, around):
    ids = {key: initiative.pk for key, initiative in around.items()}
    answer = search(client, quartier="QN09301M")
    assert answer["quartier"] == {"code": "QN09301M", "label": PUITS_LABEL}
    assert sorted(answer["ids"]) == sorted(
        [ids["inside"], ids["near"], ids["between"], ids["serving"]]
    )
    near = search(client, quartier="QN09301M", relation="proximite")["ids"]
    assert sorted(near) == sorted([ids["near"], ids["between"]])
    assert search(client, quartier="puits", relation="pour")["ids"] == [ids["serving"]]
    assert search(client, quartier="QN09301M", relation="hors")["ids"] == []
    # A name is looked for in the territory the page sends.
    assert search(client, quartier="saint denis", departement="974")["quartier"]["code"] == (
        "QN97401M"
    )
    # Words and a QPV together: both apply.
    assert search(client, q="plateforme", quartier="QN09302M")["ids"] == [ids["serving"]]
    assert search(client, q="plateforme", quartier="QN09303M")["ids"] == []


def test_an_unknown_qpv_in_the_maps_question_is_reported_and_ignored(client, around):
    answer = search(client, quartier="Zorglub")
    assert answer == {
        "query": "",
        "ids": [],
        "quartier": None,
        "message": "Aucun quartier prioritaire ne correspond à « Zorglub ».",
    }
    answer = search(client, q="plateforme", quartier="Zorglub", relation="dans")
    assert answer["quartier"] is None
    assert answer["ids"] == [around["serving"].pk]  # the words alone; relation: the worker's
    assert search(client, q="")["ids"] == []


def test_qpv_suggestions_as_one_types(client, around):
    def suggest(**params):
        return client.get(reverse("qpv_suggestions") + "?" + urlencode(params)).json()

    assert suggest(q="pui") == {
        "quartiers": [{"code": "QN09301M", "label": PUITS_LABEL, "departement": "93"}]
    }
    assert [q["code"] for q in suggest(q="saint", departement="974")["quartiers"]] == ["QN97401M"]
    assert suggest(q="p") == {"quartiers": []}
    assert suggest(q="x" * 500) == {"quartiers": []}
    assert client.post(reverse("qpv_suggestions")).status_code == 405


def test_the_api_takes_the_same_parameters(client, around):
    def api_titles(query: str) -> list[str]:
        response = client.get(f"/api/v1/initiatives?{query}")
        assert response.status_code == 200, response.content
        return sorted(i["title"] for i in response.json()["results"])

    assert api_titles("quartier=QN09301M&relation=pour") == ["Plateforme emploi"]
    assert api_titles("relation=proximite") == ["Couveuse d'activités"]
    assert api_titles("qpv=true") == ["Boutique à l'essai", "Fabrique entre deux quartiers"]
    error = client.get("/api/v1/initiatives?quartier=Zorglub").json()["error"]
    assert error["code"] == "invalid" and error["fields"][0]["field"] == "quartier"
    refused = client.get("/api/v1/initiatives?relation=partout")
    assert refused.status_code == 422
    message = refused.json()["error"]["fields"][0]["message"]
    assert message.endswith("'pour' ou 'hors').") and " or " not in message
    geojson = client.get("/api/v1/initiatives.geojson?quartier=QN09302M")
    features = json.loads(b"".join(geojson.streaming_content))["features"]
    assert [f["properties"]["titre"] for f in features] == ["Plateforme emploi"]


def test_the_openapi_schema_documents_them(client, reference_data):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/initiatives"]["get"]["parameters"]}
    assert "QN09301M" in parameters["quartier"]["description"]
    assert "`pour`" in parameters["relation"]["description"]
    assert parameters["relation"]["schema"]["enum"] == [
        "",
        *(value for value, _label in QPV_RELATION_FILTER_CHOICES),
    ]
    geojson = schema["paths"]["/api/v1/initiatives.geojson"]["get"]["parameters"]
    assert {"quartier", "relation"} <= {p["name"] for p in geojson}


def test_open_data_files_and_the_embed_follow_them(client, around):
    body = b"".join(
        client.get("/donnees/initiatives.geojson?quartier=QN09301M&relation=dans").streaming_content
    )
    document = json.loads(body)
    assert [f["properties"]["titre"] for f in document["features"]] == ["Boutique à l'essai"]
    assert document["filters"] == {"quartier": "QN09301M", "relation": "dans"}
    embed = client.get("/embed/?quartier=QN09301M&relation=pour")
    html = embed.content.decode()
    assert '<input type="hidden" name="quartier" value="QN09301M">' in html
    assert '<input type="hidden" name="relation" value="pour">' in html
    assert [i.title for i in embed.context["page"].object_list] == ["Plateforme emploi"]
