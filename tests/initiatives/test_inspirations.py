"""The "inspirée de" link through the open-data export and the import (round trip), the API
and the feeds."""

import pytest
from django.urls import reverse

from pepites.initiatives.imports.importer import run_import
from pepites.initiatives.imports.options import ImportOptions
from pepites.initiatives.inspirations import link_inspiration, reproductions_of
from pepites.initiatives.models import Initiative, InitiativeInspiration
from tests.essaimage.helpers import initiative
from tests.initiatives.test_exports import csv_rows, export_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(reference_data):
    source = initiative()
    copy = initiative(title="Épicerie solidaire de Lorient", commune="56121")
    link_inspiration(source=source, reproduction=copy)
    return source, copy


def test_export_names_the_sources(linked):
    source, copy = linked
    rows = {row["titre"]: row for row in csv_rows(export_bytes("csv"))}
    assert rows[copy.title]["inspiree_de"] == str(source.uid)
    assert rows[source.title]["inspiree_de"] == ""


def test_round_trip_same_database(linked):
    source, copy = linked
    data = export_bytes("csv")
    InitiativeInspiration.objects.all().delete()
    report = run_import(data, ImportOptions(filename="export.csv", geocode=False))
    assert report.committed, [p.text() for p in report.errors]
    assert list(reproductions_of(initiative=source)) == [copy]


def test_round_trip_new_database(linked):
    data = export_bytes("csv")
    Initiative.objects.all().delete()
    report = run_import(data, ImportOptions(filename="export.csv", geocode=False))
    assert report.committed, [p.text() for p in report.errors]
    source = Initiative.objects.get(title="Épicerie solidaire du Franc-Moisin")
    assert [i.title for i in reproductions_of(initiative=source)] == [
        "Épicerie solidaire de Lorient"
    ]


def test_unknown_source_is_a_warning(reference_data):
    initiative()
    data = export_bytes("csv").decode()
    header, *lines = data.splitlines()
    column = header.split(",").index("inspiree_de")
    cells = lines[0].split(",")
    cells[column] = "3f2a9c4e-1b7d-4e8a-9c0f-2d5e6a7b8c9d"
    text = "\n".join([header, ",".join(cells)]) + "\n"
    report = run_import(text.encode(), ImportOptions(filename="x.csv", geocode=False))
    assert report.committed
    assert not InitiativeInspiration.objects.exists()


def test_api_carries_the_link(client, linked):
    source, copy = linked
    body = client.get(f"/api/v1/initiatives/{copy.slug}").json()
    assert body["inspired_by"] == [str(source.uid)]
    body = client.get(f"/api/v1/initiatives/{source.slug}").json()
    assert body["reproductions"] == [str(copy.uid)]


def test_feed_carries_the_link(client, linked):
    source, _copy = linked
    feed = client.get(reverse("feed_initiatives")).content.decode()
    assert f"Inspirée de : {source.title}" in feed


def test_api_filters_the_essaimees(client, linked):
    source, _copy = linked
    body = client.get("/api/v1/initiatives", {"essaimees": "true"}).json()
    assert [item["uid"] for item in body["results"]] == [str(source.uid)]
