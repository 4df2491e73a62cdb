"""Placing initiatives against stored QPV: at creation and move, in bulk after an import
or a bulk insert, idempotently, with the contributor's "pour" links kept; and the filters
the map uses."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from pepites.initiatives.demo import generate_initiatives
from pepites.initiatives.models import Initiative, InitiativeQpv, InitiativeStatus
from pepites.initiatives.placement.selectors import initiative_qpv_summary, initiatives_of_qpv
from pepites.initiatives.placement.services import import_qpv, place_initiatives, set_served_qpvs
from pepites.initiatives.selectors import QPV_RELATION_FILTER_CHOICES, filter_initiatives_by_qpv
from pepites.initiatives.services import update_initiative
from pepites.territories.models import Qpv
from pepites.territories.qpv_files import read_qpv_file
from pepites.territories.qpv_lookup import build_qpv_index, placement_for_point
from pepites.territories.selectors import qpv_choices
from tests.initiatives.helpers import new_initiative
from tests.territories.qpv_samples import (
    REUNION_UTM40S,
    SAINT_DENIS_L93,
    point_at,
    write_geojson,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def qpvs(reference_data, tmp_path):
    return import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))


def at(dx, dy):
    lon, lat = point_at(SAINT_DENIS_L93, dx, dy, 2154)
    return {"latitude": lat, "longitude": lon}


def links(initiative):
    return sorted(
        InitiativeQpv.objects.filter(initiative=initiative).values_list(
            "qpv_code", "relation", "distance_m"
        )
    )


def test_creation_places_the_initiative(qpvs):
    initiative = new_initiative(**at(100, 100))
    stored = Initiative.objects.get(pk=initiative.pk)
    assert stored.qpv_relation == "dans"
    assert (stored.nearest_qpv_code, stored.nearest_qpv_distance_m) == ("QN09301M", 0)
    assert stored.qpv_placed_at is not None
    assert links(stored) == [("QN09301M", "dans", 0)]
    assert initiative.qpv_relation == "dans"  # the caller's instance is up to date


def test_moving_it_places_it_again_without_touching_its_version(qpvs):
    initiative = new_initiative(**at(100, 100))
    version = Initiative.objects.get(pk=initiative.pk).version
    update_initiative(initiative=initiative, expected_version=version, **at(-150, 300))
    stored = Initiative.objects.get(pk=initiative.pk)
    assert stored.qpv_relation == "proximite"
    assert stored.nearest_qpv_distance_m == pytest.approx(150, abs=1)
    assert links(stored) == [("QN09301M", "proximite", stored.nearest_qpv_distance_m)]
    assert stored.version == version + 1  # the edit itself, not the placement
    update_initiative(initiative=stored, expected_version=stored.version, **at(-1_000, 300))
    stored = Initiative.objects.get(pk=initiative.pk)
    assert stored.qpv_relation == "hors"
    assert stored.nearest_qpv_distance_m == pytest.approx(1_000, abs=1)
    assert links(stored) == []
    update_initiative(
        initiative=stored, expected_version=stored.version, latitude=None, longitude=None
    )
    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.qpv_relation, stored.nearest_qpv_code, stored.nearest_qpv_distance_m) == (
        "",
        "",
        None,
    )


def test_without_coordinates_the_relation_is_not_computed(qpvs):
    initiative = new_initiative()
    assert Initiative.objects.get(pk=initiative.pk).qpv_relation == ""
    assert initiative_qpv_summary(initiative=initiative).relation_label == "Non calculée"


def test_without_any_qpv_nothing_is_placed(reference_data):
    initiative = new_initiative(**at(100, 100))
    assert Initiative.objects.get(pk=initiative.pk).qpv_relation == ""


def test_import_places_existing_initiatives(reference_data, tmp_path):
    inside = new_initiative(**at(100, 100))
    near = new_initiative(**at(700, -100))  # 100 m from QN09303M, 141 m from QN09301M
    assert Initiative.objects.get(pk=inside.pk).qpv_relation == ""
    report = import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))
    assert report.placement.initiatives == 2 and report.placement.changed == 2
    assert Initiative.objects.get(pk=inside.pk).qpv_relation == "dans"
    assert links(near) == [("QN09301M", "proximite", 141), ("QN09303M", "proximite", 100)]
    assert Initiative.objects.get(pk=near.pk).nearest_qpv_code == "QN09303M"


def test_bulk_placement_is_idempotent_and_keeps_pour_links(qpvs):
    initiative = new_initiative(**at(2_000, -3_000))
    set_served_qpvs(initiative=initiative, qpv_codes=["QN09301M", "qn09303m"])
    first = place_initiatives()
    row = Initiative.objects.values().get(pk=initiative.pk)
    second = place_initiatives()
    assert first.changed == 0  # already placed at creation
    assert second.changed == 0
    assert Initiative.objects.values().get(pk=initiative.pk) == row
    assert [link for link in links(initiative) if link[1] == "pour"] == [
        ("QN09301M", "pour", None),
        ("QN09303M", "pour", None),
    ]
    assert row["qpv_relation"] == "hors"


def test_removed_outlines_are_forgotten(qpvs):
    initiative = new_initiative(**at(100, 100))
    Qpv.objects.all().delete()
    report = place_initiatives()
    assert report.qpv_count == 0 and report.changed == 1
    assert Initiative.objects.get(pk=initiative.pk).qpv_relation == ""
    assert links(initiative) == []


def test_stated_qpv_must_exist(qpvs):
    initiative = new_initiative(**at(2_000, -3_000))
    with pytest.raises(ValidationError) as caught:
        set_served_qpvs(initiative=initiative, qpv_codes=["QN09301M", "QN99999X"])
    assert "QN99999X" in str(caught.value.message_dict["qpv"])
    assert links(initiative) == []


def test_single_point_search_agrees_with_the_whole_index(qpvs):
    index = build_qpv_index()
    points = [
        point_at(SAINT_DENIS_L93, dx, dy, 2154)
        for dx in (-5_000, -250, 300, 900, 2_150, 40_000)
        for dy in (-300, 150, 800)
    ]
    points += [point_at(REUNION_UTM40S, 250, 250, 32740), (-149.57, -17.53)]
    for lon, lat in points:
        assert placement_for_point(longitude=lon, latitude=lat) == index.place(lon, lat)


def test_generated_initiatives_are_placed(qpvs):
    generate_initiatives(count=50, seed=3)
    assert not Initiative.objects.filter(qpv_relation="").exclude(latitude=None).exists()
    assert Initiative.objects.exclude(nearest_qpv_code="").count() == 50


def test_command_places_everything(qpvs):
    new_initiative(**at(100, 100))
    out = io.StringIO()
    call_command("place_initiatives", stdout=out)
    assert "1 initiatives, 0 modifiées, 5 QPV (liste 2024)" in out.getvalue()
    assert "Dans un QPV : 1" in out.getvalue()


# --- what the map and the pages read ---------------------------------------------------


def published(**fields):
    return new_initiative(status=InitiativeStatus.PUBLISHED, **fields)


def test_filters_by_qpv_and_relation(qpvs):
    inside = published(title="Dedans", **at(100, 100))
    near = published(title="Tout près", **at(-150, 300))
    far = published(title="Loin", **at(-3_000, 300))
    set_served_qpvs(initiative=far, qpv_codes=["QN09301M"])
    published(title="Sans point")
    everything = Initiative.objects.all()

    def titles(**filters):
        return sorted(
            filter_initiatives_by_qpv(everything, **filters).values_list("title", flat=True)
        )

    assert titles(relation="dans") == ["Dedans"]
    assert titles(relation="proximite") == ["Tout près"]
    assert titles(relation="hors") == ["Loin"]
    assert titles(relation="pour") == ["Loin"]
    assert titles(qpv_code="QN09301M") == ["Dedans", "Loin", "Tout près"]
    assert titles(qpv_code="QN09301M", relation="pour") == ["Loin"]
    assert titles(qpv_code="QN09301M", relation="hors") == []
    assert titles(qpv_code="QN09303M") == []
    assert titles(relation="nimporte") == []
    assert titles() == ["Dedans", "Loin", "Sans point", "Tout près"]
    assert [value for value, _label in QPV_RELATION_FILTER_CHOICES] == [
        "dans",
        "proximite",
        "pour",
        "hors",
    ]
    grouped = initiatives_of_qpv(code="QN09301M")
    assert [i.title for i in grouped["dans"]] == ["Dedans"]
    assert [(i.title, i.qpv_distance_m) for i in grouped["proximite"]] == [("Tout près", 150)]
    assert [i.title for i in grouped["pour"]] == ["Loin"]
    summary = initiative_qpv_summary(initiative=far)
    assert (summary.relation, summary.nearest.code) == ("hors", "QN09301M")
    assert [q.name for q in summary.serves] == ["Quartier du Puits"]
    assert inside and near


def test_qpv_choices(qpvs):
    choices = qpv_choices()
    # By département, then name.
    assert [code for code, _label in choices] == [
        "QN09303M",
        "QN09302M",
        "QN09301M",
        "QN97101M",
        "QN97401M",
    ]
    assert choices[1] == ("QN09302M", "Quartier des Deux Rives — Saint-Denis, Montreuil (QN09302M)")
    assert [code for code, _label in qpv_choices(departement_codes=["974"])] == ["QN97401M"]
