"""Placing points against small test outlines, in memory: containment, nearest QPV,
distances checked against a brute-force geodesic reference, and the 300 m rule."""

import pytest

from pepites.territories.placement import (
    RELATION_IN,
    RELATION_NEAR,
    RELATION_OUTSIDE,
    QpvIndex,
    QpvOutline,
    geodesic_distance_m,
    projection_for,
)
from tests.territories.qpv_samples import (
    ABYMES_UTM20N,
    MONTREUIL_L93,
    REUNION_UTM40S,
    SAINT_DENIS_L93,
    point_at,
    reference_distance_m,
    wgs84_samples,
)

SAMPLES = {s["properties"]["code_qp"]: s for s in wgs84_samples()}


@pytest.fixture(scope="module")
def index():
    return QpvIndex(
        [
            QpvOutline(code, s["properties"]["insee_dep"], s["geometry"])
            for code, s in SAMPLES.items()
        ],
        near_distance_m=300,
    )


def metro(dx, dy):
    return point_at(SAINT_DENIS_L93, dx, dy, 2154)


def test_point_inside(index):
    placement = index.place(*metro(100, 100))
    assert placement.relation == RELATION_IN
    assert placement.containing == ("QN09301M",)
    assert (placement.nearest_code, placement.nearest_distance_m) == ("QN09301M", 0.0)


def test_point_in_the_hole_is_not_inside(index):
    """The hole is 200 m wide: its centre is 100 m from the QPV, which is then "near"."""
    lon, lat = metro(300, 300)
    placement = index.place(lon, lat)
    assert placement.containing == ()
    assert placement.relation == RELATION_NEAR
    assert placement.nearest_code == "QN09301M"
    reference = reference_distance_m(lon, lat, SAMPLES["QN09301M"]["geometry"])
    assert reference == pytest.approx(100, abs=0.5)
    assert placement.nearest_distance_m == pytest.approx(reference, abs=1)
    assert placement.near == (("QN09301M", pytest.approx(reference, abs=1)),)


def test_multipolygon_across_two_communes(index):
    saint_denis_part = index.place(*metro(2_150, 150))
    montreuil_part = index.place(*point_at(MONTREUIL_L93, 200, 200, 2154))
    assert saint_denis_part.containing == ("QN09302M",)
    assert montreuil_part.containing == ("QN09302M",)


@pytest.mark.parametrize(("dx", "dy"), [(600, 300), (600, 0), (600, 600)])
def test_point_on_a_shared_border_is_in_both(index, dx, dy):
    placement = index.place(*metro(dx, dy))
    assert placement.relation == RELATION_IN
    assert placement.containing == ("QN09301M", "QN09303M")
    assert placement.nearest_distance_m == 0.0


def test_point_on_an_outer_border_is_inside(index):
    placement = index.place(*metro(0, 250))  # western edge of QN09301M
    assert placement.containing == ("QN09301M",)


@pytest.mark.parametrize(
    ("anchor", "epsg", "dx", "dy", "code"),
    [
        (SAINT_DENIS_L93, 2154, -150, 300, "QN09301M"),
        (SAINT_DENIS_L93, 2154, 300, -290, "QN09301M"),
        (SAINT_DENIS_L93, 2154, -1_000, 2_000, "QN09301M"),
        (SAINT_DENIS_L93, 2154, 1_750, 150, "QN09302M"),  # between two QPV
        (SAINT_DENIS_L93, 2154, 20_000, -35_000, "QN09302M"),
        (MONTREUIL_L93, 2154, 450, 650, "QN09302M"),
        (REUNION_UTM40S, 32740, 700, 250, "QN97401M"),
        (REUNION_UTM40S, 32740, -3_000, -4_000, "QN97401M"),
        (ABYMES_UTM20N, 32620, 100, -120, "QN97101M"),
        (ABYMES_UTM20N, 32620, 5_000, 900, "QN97101M"),
    ],
)
def test_nearest_and_distance_match_the_geodesic_reference(index, anchor, epsg, dx, dy, code):
    lon, lat = point_at(anchor, dx, dy, epsg)
    placement = index.place(lon, lat)
    assert placement.nearest_code == code
    reference = min(reference_distance_m(lon, lat, s["geometry"]) for s in SAMPLES.values())
    assert reference == pytest.approx(
        reference_distance_m(lon, lat, SAMPLES[code]["geometry"]), abs=1e-6
    )
    assert placement.nearest_distance_m == pytest.approx(reference, abs=1.0)


def test_distance_is_in_metres_not_degrees():
    """At 49°N a degree of longitude is about 73 km, one of latitude 111 km."""
    east = geodesic_distance_m(2.0, 49.0, 3.0, 49.0)
    north = geodesic_distance_m(2.0, 49.0, 2.0, 50.0)
    assert east == pytest.approx(73_171, rel=1e-3)
    assert north == pytest.approx(111_229, rel=1e-3)


@pytest.mark.parametrize(
    ("dx", "expected"),
    [
        (-10, RELATION_NEAR),
        (-290, RELATION_NEAR),
        (-310, RELATION_OUTSIDE),
        (-600, RELATION_OUTSIDE),
    ],
)
def test_the_300_m_rule(index, dx, expected):
    lon, lat = metro(dx, 300)
    reference = reference_distance_m(lon, lat, SAMPLES["QN09301M"]["geometry"])
    placement = index.place(lon, lat)
    assert placement.relation == expected
    assert (reference <= 300) == (expected == RELATION_NEAR)
    assert placement.nearest_distance_m == pytest.approx(reference, abs=1.0)


def test_the_threshold_is_configurable():
    outlines = [QpvOutline("QN09301M", "93", SAMPLES["QN09301M"]["geometry"])]
    lon, lat = metro(-400, 300)
    assert QpvIndex(outlines, near_distance_m=300).place(lon, lat).relation == RELATION_OUTSIDE
    assert QpvIndex(outlines, near_distance_m=500).place(lon, lat).relation == RELATION_NEAR


def test_overseas_points(index):
    inside = index.place(*point_at(REUNION_UTM40S, 250, 250, 32740))
    near = index.place(*point_at(ABYMES_UTM20N, 200, 550, 32620))
    assert inside.containing == ("QN97401M",)
    assert near.relation == RELATION_NEAR and near.nearest_code == "QN97101M"
    assert near.nearest_distance_m == pytest.approx(150, abs=1)


def test_a_point_far_from_every_qpv(index):
    """Tahiti: no QPV zone around it, still a nearest QPV and a geodesic distance."""
    placement = index.place(-149.57, -17.53)
    assert placement.relation == RELATION_OUTSIDE
    assert placement.nearest_distance_m > 1_000_000


def test_points_without_coordinates_and_an_empty_index(index):
    assert index.place_many([None, 2.36], [48.93, None]) == [None, None]
    assert QpvIndex([]).place(2.36, 48.93) is None


def test_many_points_at_once_give_the_same_answers_as_one_by_one(index):
    points = [metro(dx, dy) for dx in range(-700, 2_800, 350) for dy in range(-500, 900, 350)]
    points.append(point_at(REUNION_UTM40S, 10, 10, 32740))
    lons, lats = zip(*points, strict=True)
    assert index.place_many(lons, lats) == [index.place(lon, lat) for lon, lat in points]


def test_projection_by_territory():
    assert projection_for("93", 2.3, 48.9) == 2154
    assert projection_for("2A", 8.7, 41.9) == 2154
    assert projection_for("971", -61.5, 16.2) == 5490
    assert projection_for("972", -61.0, 14.6) == 5490
    assert projection_for("973", -52.3, 4.9) == 2972
    assert projection_for("974", 55.4, -20.9) == 2975
    assert projection_for("976", 45.2, -12.8) == 4471
    assert projection_for("988", 166.4, -22.3) == 32758  # UTM 58S
