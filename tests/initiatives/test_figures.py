"""Results as figures: checks in French, one row per initiative and year, the open-data file
and the round trip export → import, the page's timeline, the API and the workspace page."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pepites.initiatives import exports
from pepites.initiatives.figures.files import (
    FIGURES_SHEET,
    figures_for,
    import_figures,
    iter_figures_csv,
)
from pepites.initiatives.figures.models import FiguresSource, InitiativeFigures
from pepites.initiatives.figures.services import set_figures
from pepites.initiatives.models import Initiative
from tests.initiatives.helpers import new_initiative
from tests.web.test_workspace import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(reference_data):
    return new_initiative(status="publiee", latitude=48.93, longitude=2.36)


def figures_csv(queryset=None) -> bytes:
    queryset = queryset if queryset is not None else exports.export_queryset()
    return "".join(iter_figures_csv(figures_for(queryset))).encode()


def test_one_row_per_year_replaced_not_duplicated(published):
    set_figures(initiative=published, year=2024, values={"people_reached": 120, "jobs": 3})
    set_figures(
        initiative=published, year=2024, values={"people_reached": "1 300", "qpv_residents": 900}
    )
    (row,) = InitiativeFigures.objects.filter(initiative=published)
    assert (row.people_reached, row.qpv_residents, row.jobs) == (1300, 900, None)


@pytest.mark.parametrize(
    ("year", "values", "field", "message"),
    [
        (1800, {"jobs": 1}, "year", "Indiquez une année"),
        (2024, {"jobs": "-2"}, "jobs", "n'est pas un nombre entier positif"),
        (2024, {"jobs": 2.5}, "jobs", "sans décimales"),
        (2024, {"people_reached": 10, "qpv_residents": 11}, "qpv_residents", "pas plus"),
        (2024, {}, "__all__", "au moins un chiffre"),
    ],
)
def test_bad_figures_are_refused_in_french(published, year, values, field, message):
    with pytest.raises(ValidationError) as caught:
        set_figures(initiative=published, year=year, values=values)
    assert message in " ".join(caught.value.message_dict[field])
    assert not InitiativeFigures.objects.exists()


def test_round_trip_export_then_import(published, reference_data):
    other = new_initiative(title="Autre initiative", status="publiee")
    set_figures(
        initiative=published,
        year=2023,
        values={"people_reached": 80, "qpv_residents": 60, "budget": 45000, "comment": "=SUM(A1)"},
    )
    set_figures(initiative=published, year=2024, values={"jobs": 4, "activities_created": 2})
    set_figures(initiative=other, year=2024, values={"comment": "Première année"})
    before = list(InitiativeFigures.objects.order_by("initiative", "year").values())
    data = figures_csv()
    assert data.count(b"\n") == 4  # header + one row per initiative and year
    assert b"'=SUM(A1)" in data  # never a formula in a spreadsheet
    InitiativeFigures.objects.all().delete()
    report = import_figures(
        data=data, filename="resultats.csv", initiatives=Initiative.objects.all()
    )
    assert (report.created, report.updated, report.errors) == (3, 0, [])
    after = list(InitiativeFigures.objects.order_by("initiative", "year").values())
    strip = ("id", "updated_at", "source", "updated_by_id")
    assert [{k: v for k, v in r.items() if k not in strip} for r in after] == [
        {k: v for k, v in r.items() if k not in strip} for r in before
    ]
    assert {r["source"] for r in after} == {FiguresSource.IMPORT}
    again = import_figures(
        data=data, filename="resultats.csv", initiatives=Initiative.objects.all()
    )
    assert (again.created, again.updated) == (0, 3)


def test_round_trip_through_the_xlsx_sheet(published):
    from openpyxl import load_workbook

    set_figures(initiative=published, year=2025, values={"people_reached": 42})
    buffer = io.BytesIO()
    exports.write_xlsx(
        exports.iter_initiatives(exports.export_queryset()), buffer, info=exports.export_info()
    )
    assert FIGURES_SHEET in load_workbook(io.BytesIO(buffer.getvalue())).sheetnames
    InitiativeFigures.objects.all().delete()
    report = import_figures(
        data=buffer.getvalue(), filename="export.xlsx", initiatives=Initiative.objects.all()
    )
    assert report.errors == [] and report.created == 1
    assert InitiativeFigures.objects.get().people_reached == 42


def test_a_failed_import_writes_nothing_and_says_where(published):
    set_figures(initiative=published, year=2022, values={"jobs": 1})
    lines = [
        "uid,annee,emplois,dont_habitants_qpv,personnes_touchees",
        f"{published.uid},2022,7,,",
        f"{published.uid},2023,x,,",
        "00000000-0000-0000-0000-000000000000,2023,1,,",
        "pas-un-uuid,2023,1,,",
        f"{published.uid},2024,,9,3",
    ]
    report = import_figures(
        data="\n".join(lines).encode(), filename="f.csv", initiatives=Initiative.objects.all()
    )
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "emplois"),
        (4, "uid"),
        (5, "uid"),
        (6, "dont_habitants_qpv"),
    ]
    assert not report.written
    assert InitiativeFigures.objects.get().jobs == 1  # unchanged


def test_an_import_only_touches_the_initiatives_one_may_edit(published, reference_data):
    data = f"uid,annee,emplois\n{published.uid},2024,3\n".encode()
    report = import_figures(
        data=data, filename="f.csv", initiatives=Initiative.objects.exclude(pk=published.pk)
    )
    assert report.errors and not InitiativeFigures.objects.exists()


def test_missing_columns_are_named(published):
    report = import_figures(
        data=b"titre;emplois\nx;1\n", filename="f.csv", initiatives=Initiative.objects.all()
    )
    assert "uid, annee" in report.errors[0].message


def test_page_api_and_open_data_file(client, published):
    set_figures(initiative=published, year=2023, values={"people_reached": 50})
    set_figures(initiative=published, year=2024, values={"people_reached": 100, "jobs": 2})
    page = client.get(reverse("initiative_detail", kwargs={"slug": published.slug}))
    html = page.content.decode()
    assert "Résultats en chiffres" in html and '<th scope="col">2024</th>' in html
    assert 'aria-hidden="true"' in html and 'width="50"' in html  # 50 is half of 100
    api = client.get(f"/api/v1/initiatives/{published.uid}").json()
    assert [f["year"] for f in api["figures"]] == [2023, 2024]
    assert api["figures"][1]["jobs"] == 2
    listed = client.get("/api/v1/initiatives").json()["results"][0]
    assert len(listed["figures"]) == 2
    response = client.get(reverse("open_data_figures") + "?thematique=commerce-proximite")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("uid,titre,annee,personnes_touchees")
    assert len(body.splitlines()) == 3
    none = client.get(reverse("open_data_figures") + "?thematique=mobilite")
    assert len(b"".join(none.streaming_content).decode().splitlines()) == 1


def test_the_centre_enters_figures_in_the_workspace(client, people):
    initiative = new_initiative(status="publiee")  # Saint-Denis: Profession Banlieue
    url = reverse("workspace:figures", kwargs={"pk": initiative.pk})
    login(client, people.other_member)
    assert client.get(url).status_code == 403
    login(client, people.member)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"year": "2024", "people_reached": "10", "qpv_residents": "20"})
    assert bad.status_code == 400 and "pas plus" in bad.content.decode()
    ok = client.post(url, {"year": "2024", "people_reached": "10", "qpv_residents": "8"})
    assert ok.status_code == 302
    saved = InitiativeFigures.objects.get()
    assert (saved.qpv_residents, saved.updated_by, saved.source) == (8, people.member, "centre")
    client.post(reverse("workspace:figures_delete", kwargs={"pk": initiative.pk, "year": 2024}))
    assert not InitiativeFigures.objects.exists()


def test_demonstration_figures_say_they_are_fictional(reference_data):
    from pepites.initiatives.demo import read_demo_entries
    from pepites.initiatives.figures.demo import load_demo_figures

    entry = next(e for e in read_demo_entries() if e["commune_code"] == "93066")
    fields = {k: v for k, v in entry.items() if k != "links"}
    demo = new_initiative(**fields, is_demo=True)
    new_initiative(title="Pas une démonstration", status="publiee")
    assert load_demo_figures() == 1
    assert load_demo_figures() == 0  # idempotent
    years = InitiativeFigures.objects.filter(initiative=demo)
    assert years.count() == 3
    assert all("démonstration" in y.comment for y in years)
    assert InitiativeFigures.objects.count() == 3


def test_the_command_exports_and_imports_the_figures(published, tmp_path, client):
    from django.core.management import call_command

    set_figures(initiative=published, year=2024, values={"jobs": 5})
    path = tmp_path / "resultats.csv"
    call_command("export_initiatives", "--format", "resultats", "-o", str(path))
    InitiativeFigures.objects.all().delete()
    out = io.StringIO()
    call_command("import_figures", str(path), stdout=out)
    assert "créées : 1" in out.getvalue()
    assert InitiativeFigures.objects.get().jobs == 5
    package = client.get("/donnees/datapackage.json").json()
    assert "resultats-csv" in {r["name"] for r in package["resources"]}
