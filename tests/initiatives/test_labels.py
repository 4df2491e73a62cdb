"""Programmes and labels: the seed, who may grant what, the filters in every place filters
exist (HTML list, API, open-data files, feeds, embed, the map's data file) for programmes,
granted labels and the label derived from the publication, and the badges."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pepites.initiatives import mapdata
from pepites.initiatives.filters import FilterForm
from pepites.initiatives.labels.models import InitiativeLabel, Label, LabelKind, Programme
from pepites.initiatives.labels.services import load_default_programmes, set_labels, set_programmes
from pepites.initiatives.selectors import filter_published_initiatives
from pepites.publications.models import FeaturedInitiative, Issue, IssueStatus, Series
from tests.initiatives.helpers import new_initiative
from tests.web.test_workspace import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def labelled(people):
    load_default_programmes()
    emploi = new_initiative(
        title="Coalition pour l'emploi", status="publiee", latitude=48.93, longitude=2.36
    )
    visite = new_initiative(
        title="Atelier à visiter", status="publiee", latitude=48.94, longitude=2.35
    )
    publiee = new_initiative(
        title="Épicerie de la revue", status="publiee", latitude=48.92, longitude=2.37
    )
    new_initiative(title="Sans rien", status="publiee", latitude=48.91, longitude=2.38)
    set_programmes(initiative=emploi, slugs=["cites-de-l-emploi"])
    visit = Label.objects.create(
        slug="visite-possible", name="Visite possible", kind=LabelKind.VISIT
    )
    Label.objects.create(slug="coup-de-coeur", name="Coup de cœur du réseau")
    Label.objects.create(
        slug="reperee-pb",
        name="Repérée par Profession Banlieue",
        centre=people.pb,
        kind=LabelKind.SPOTTED,
    )
    set_labels(initiative=visite, slugs=[visit.slug], user=people.member)
    series = Series.objects.create(slug="eco", title="L'Éco des quartiers")
    issue = Issue.objects.create(
        series=series, number=3, title="Commerce", status=IssueStatus.PUBLISHED
    )
    FeaturedInitiative.objects.create(issue=issue, initiative=publiee)
    draft = Issue.objects.create(series=series, number=4, title="En préparation")
    FeaturedInitiative.objects.create(issue=draft, initiative=emploi)
    return {"emploi": emploi, "visite": visite, "publiee": publiee}


CASES = [
    ("programme=cites-de-l-emploi", ["Coalition pour l'emploi"]),
    ("label=visite-possible", ["Atelier à visiter"]),
    ("label=publication-eco-3", ["Épicerie de la revue"]),
    (
        "label=visite-possible&label=publication-eco-3",
        ["Atelier à visiter", "Épicerie de la revue"],
    ),
    ("programme=cites-de-l-emploi&label=visite-possible", []),
]


def test_the_seed_is_loaded_once_and_names_the_programmes(db):
    assert load_default_programmes() >= 5
    assert load_default_programmes() == 0
    names = set(Programme.objects.values_list("name", flat=True))
    assert {
        "Entrepreneuriat Quartiers 2030",
        "Cités de l'emploi",
        "CitésLab",
        "Quartiers 2030",
    } <= names


def test_the_seed_labels_one_per_centre(reference_data):
    from pepites.initiatives.labels.services import load_default_labels
    from pepites.network.models import Centre

    assert load_default_labels() == Centre.objects.count() + 1
    assert load_default_labels() == 0
    spotted = Label.objects.get(slug="reperee-profession-banlieue")
    assert (
        spotted.name == "Repérée par Profession Banlieue"
        and spotted.centre.slug == "profession-banlieue"
    )


def test_who_grants_what(labelled, people):
    initiative = labelled["emploi"]
    with pytest.raises(ValidationError):  # a national label, by a centre member
        set_labels(initiative=initiative, slugs=["coup-de-coeur"], user=people.member)
    set_labels(initiative=initiative, slugs=["reperee-pb", "visite-possible"], user=people.member)
    with pytest.raises(ValidationError):  # another centre's member edits nothing here
        set_labels(initiative=initiative, slugs=["reperee-pb"], user=people.other_member)
    set_labels(initiative=initiative, slugs=["coup-de-coeur"], user=people.national)
    assert set(initiative.label_grants.values_list("label__slug", flat=True)) == {"coup-de-coeur"}
    # The member's own grants stay when they save what they may grant.
    set_labels(initiative=initiative, slugs=["visite-possible"], user=people.member)
    assert set(initiative.label_grants.values_list("label__slug", flat=True)) == {
        "coup-de-coeur",
        "visite-possible",
    }


def test_an_issue_in_preparation_grants_no_label(labelled):
    slugs = [slug for slug, _name in FilterForm().fields["label"].choices]
    assert "publication-eco-3" in slugs and "publication-eco-4" not in slugs


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_filters_in_every_place(client, labelled, query, expected):
    # The filter vocabulary and the selector.
    from django.http import QueryDict

    form = FilterForm(QueryDict(query))
    results = filter_published_initiatives(**form.filters()).queryset
    assert sorted(results.values_list("title", flat=True)) == expected
    # The HTML list of the map page, and the embeddable map.
    for url in (reverse("home"), reverse("embed")):
        page = client.get(f"{url}?{query}")
        assert sorted(i.title for i in page.context["page"].object_list) == expected, url
    # The API (JSON and GeoJSON).
    api = client.get(f"/api/v1/initiatives?{query}").json()
    assert sorted(r["title"] for r in api["results"]) == expected
    geojson = client.get(f"/api/v1/initiatives.geojson?{query}")
    features = json.loads(b"".join(geojson.streaming_content))["features"]
    assert len(features) == len(expected)
    # The open-data files.
    data = b"".join(client.get(f"/donnees/initiatives.csv?{query}").streaming_content)
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert sorted(r["titre"] for r in rows) == expected


def test_feeds_per_programme_and_label(client, labelled):
    feed = client.get("/flux/programmes/cites-de-l-emploi.atom").content.decode()
    assert "Coalition pour l" in feed and "Atelier" not in feed
    feed = client.get("/flux/labels/publication-eco-3.atom").content.decode()
    assert "Épicerie de la revue" in feed and "Coalition" not in feed
    assert client.get("/flux/labels/inconnu.atom").status_code == 404


def test_the_maps_data_carries_programmes_and_labels(labelled):
    built = mapdata.build()
    decoded = mapdata.decode(built.raw)
    header, columns = decoded["header"], decoded["columns"]
    assert header["format"] == 3
    row_of = {pk: i for i, pk in enumerate(columns["id"])}

    def members(name, pk):
        mask = columns[name][row_of[pk]]
        return [slug for bit, slug in enumerate(header[name]) if mask >> bit & 1]

    assert members("programmes", labelled["emploi"].pk) == ["cites-de-l-emploi"]
    assert members("labels", labelled["visite"].pk) == ["visite-possible"]
    assert members("labels", labelled["publiee"].pk) == ["publication-eco-3"]
    assert members("labels", labelled["emploi"].pk) == []


def test_the_data_version_follows_the_memberships(labelled, people):
    before = mapdata.data_signature()
    set_labels(initiative=labelled["emploi"], slugs=["visite-possible"], user=people.member)
    assert mapdata.data_signature() != before


def test_badges_on_the_page_the_cards_and_in_the_api(client, labelled):
    page = client.get(reverse("initiative_detail", kwargs={"slug": labelled["publiee"].slug}))
    assert "Présentée dans L&#x27;Éco des quartiers n° 3" in page.content.decode()
    cards = client.get(reverse("home") + "?label=visite-possible").content.decode()
    assert 'badge badge--label">Visite possible' in cards
    api = client.get(f"/api/v1/initiatives/{labelled['emploi'].uid}").json()
    assert api["programmes"] == ["cites-de-l-emploi"]
    assert client.get("/api/v1/programmes").status_code == 200
    assert "publication-eco-3" in {lb["slug"] for lb in client.get("/api/v1/labels").json()}


def test_the_centre_sets_programmes_and_labels_in_the_workspace(client, labelled, people):
    initiative = labelled["emploi"]
    url = reverse("workspace:labels", kwargs={"pk": initiative.pk})
    login(client, people.member)
    page = client.get(url).content.decode()
    assert "Repérée par Profession Banlieue" in page and "Coup de cœur" not in page
    response = client.post(url, {"programmes": ["npnru"], "labels": ["reperee-pb"]})
    assert response.status_code == 302
    assert list(initiative.programmes.values_list("slug", flat=True)) == ["npnru"]
    grant = InitiativeLabel.objects.get(initiative=initiative)
    assert (grant.label.slug, grant.granted_by) == ("reperee-pb", people.member)
    refused = client.post(url, {"labels": ["coup-de-coeur"]})
    assert refused.status_code == 400
    login(client, people.other_member)
    assert client.get(url).status_code == 403


def test_demonstration_programmes_and_labels_are_marked(reference_data):
    from pepites.initiatives.demo import read_demo_entries
    from pepites.initiatives.demo_labels import load_demo_labels
    from tests.conftest import SAMPLE_COMMUNES

    entries = [e for e in read_demo_entries() if e["commune_code"] in SAMPLE_COMMUNES][:6]
    assert len(entries) == 6
    for entry in entries:
        fields = {k: v for k, v in entry.items() if k != "links"}
        new_initiative(**fields, is_demo=True)
    assert load_demo_labels() == 6
    assert load_demo_labels() == 0  # idempotent
    assert Programme.initiatives.through.objects.count() == 3
    assert Label.objects.filter(slug="reperee-profession-banlieue", kind="reperee").exists()
    assert InitiativeLabel.objects.filter(label__slug="visite-possible").count() == 2


def test_the_national_team_edits_the_lists_in_its_workspace(client, labelled, people):
    url = reverse("workspace:programme_lists")
    login(client, people.member)
    assert client.get(url).status_code == 403
    login(client, people.national)
    page = client.get(url).content.decode()
    assert (
        "Cités de l&#x27;emploi" in page and "Présentée dans L&#x27;Éco des quartiers n° 3" in page
    )
    assert client.post(url, {"name": "Cités de l'emploi", "scope": "national"}).status_code == 400
    response = client.post(url, {"name": "Territoires zéro chômeur", "scope": "national"})
    assert response.status_code == 302
    assert Programme.objects.get(name="Territoires zéro chômeur").slug == "territoires-zero-chomeur"
