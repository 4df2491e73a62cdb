"""Reading the QPV outlines: GeoJSON, shapefile (Lambert-93, written here with pyshp) and
GeoPackage (written here by GDAL through pyogrio), and rejecting malformed files."""

import json
import zipfile

import numpy as np
import pyogrio.raw
import pytest
import shapefile
import shapely
from pyproj import CRS
from pyproj.enums import WktVersion
from shapely.geometry import mapping

from pepites.core.errors import ImportFileError
from pepites.territories.qpv_files import read_qpv_file
from tests.territories.qpv_samples import (
    feature_collection,
    planar_samples,
    wgs84_samples,
    write_geojson,
)

# About 1 cm at these latitudes: what the reader keeps (1e-7 degree).
TOLERANCE_DEGREES = 2e-7


def by_code(data):
    return {f.code: f for f in data.features}


def assert_same_outlines(data, samples=None):
    expected = {s["properties"]["code_qp"]: s["geometry"] for s in (samples or wgs84_samples())}
    features = by_code(data)
    assert set(features) == set(expected)
    for code, geometry in expected.items():
        read = features[code].geometry
        assert read.geom_type == "MultiPolygon"
        assert shapely.hausdorff_distance(read, geometry) < TOLERANCE_DEGREES, code
        assert abs(read.area - geometry.area) / geometry.area < 1e-4, code


def test_geojson_is_read_with_its_properties(tmp_path):
    data = read_qpv_file(write_geojson(tmp_path / "qpv.geojson"))
    assert data.format == "geojson"
    assert data.generation == "2024"
    assert data.source_crs == "EPSG:4326"
    assert_same_outlines(data)
    features = by_code(data)
    puits = features["QN09301M"]
    assert puits.name == "Quartier du Puits"
    assert (puits.region_code, puits.departement_code) == ("11", "93")
    assert puits.epci_siren == "200057867"
    # The hole is kept.
    assert len(puits.geometry.geoms[0].interiors) == 1
    # Several communes, joined by ", " or "; ".
    assert features["QN09302M"].commune_codes == ("93066", "93048")
    assert features["QN09303M"].commune_codes == ("93066", "93048")
    assert features["QN09302M"].communes_label == "Saint-Denis, Montreuil"
    assert len(features["QN09302M"].geometry.geoms) == 2
    assert features["QN97401M"].departement_code == "974"


def test_2015_list_is_recognised_by_its_codes(tmp_path):
    collection = feature_collection()
    for feature in collection["features"]:
        feature["properties"]["code_qp"] = "QP" + feature["properties"]["code_qp"][2:]
    data = read_qpv_file(write_geojson(tmp_path / "qpv2015.geojson", collection))
    assert data.generation == "2015"


def test_uppercase_and_older_property_names_are_accepted(tmp_path):
    collection = feature_collection()
    for feature in collection["features"]:
        properties = feature["properties"]
        properties["NOM_QP"] = properties.pop("lib_qp")
        properties["CODE_QP"] = properties.pop("code_qp")
    data = read_qpv_file(write_geojson(tmp_path / "qpv.geojson", collection))
    assert by_code(data)["QN09301M"].name == "Quartier du Puits"


def write_lambert93_shapefile(folder, *, with_prj=True, encoding="utf-8"):
    """The metropolitan outlines as the ANCT's shapefile edition: Lambert-93, .prj, .cpg."""
    samples = [s for s in planar_samples() if s["epsg"] == 2154]
    base = folder / "QP2024_L93"
    # Our own handles, closed by us: pyshp 3.1 leaves the .dbf it reopens for the header open.
    with (
        open(base.with_suffix(".shp"), "wb") as shp,
        open(base.with_suffix(".shx"), "wb") as shx,
        open(base.with_suffix(".dbf"), "wb") as dbf,
        shapefile.Writer(
            shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding
        ) as writer,
    ):
        for name in ("code_qp", "lib_qp", "insee_reg", "insee_dep", "insee_com", "lib_com"):
            writer.field(name, "C", size=120)
        writer.field("siren_epci", "C", size=9)
        for sample in samples:
            p = sample["properties"]
            parts = []
            for polygon in getattr(sample["geometry"], "geoms", [sample["geometry"]]):
                # Shapefile rings: exterior clockwise, holes counter-clockwise.
                oriented = shapely.geometry.polygon.orient(polygon, sign=-1.0)
                parts.append(list(oriented.exterior.coords))
                parts += [list(ring.coords) for ring in oriented.interiors]
            writer.poly(parts)
            writer.record(
                p["code_qp"],
                p["lib_qp"],
                p["insee_reg"],
                p["insee_dep"],
                p["insee_com"],
                p["lib_com"],
                p["siren_epci"],
            )
    if with_prj:
        (folder / "QP2024_L93.prj").write_text(CRS.from_epsg(2154).to_wkt(WktVersion.WKT1_ESRI))
    (folder / "QP2024_L93.cpg").write_text(encoding.upper())
    return base.with_suffix(".shp")


def metro_samples():
    return [s for s in wgs84_samples() if s["properties"]["insee_dep"] == "93"]


def test_lambert93_shapefile_is_reprojected_to_wgs84(tmp_path):
    data = read_qpv_file(write_lambert93_shapefile(tmp_path))
    assert data.format == "shapefile"
    assert "2154" in data.source_crs or "Lambert" in data.source_crs
    assert_same_outlines(data, metro_samples())
    assert len(by_code(data)["QN09301M"].geometry.geoms[0].interiors) == 1
    assert by_code(data)["QN09302M"].communes_label == "Saint-Denis, Montreuil"


def test_shapefile_in_latin1_with_its_cpg(tmp_path):
    data = read_qpv_file(write_lambert93_shapefile(tmp_path, encoding="cp1252"))
    assert by_code(data)["QN09302M"].name == "Quartier des Deux Rives"


def test_zipped_shapefile(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    write_lambert93_shapefile(folder)
    archive = tmp_path / "QP2024_L93.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, f"QP2024/{path.name}")
    data = read_qpv_file(archive)
    assert_same_outlines(data, metro_samples())


def test_shapefile_without_prj_needs_the_crs(tmp_path):
    path = write_lambert93_shapefile(tmp_path, with_prj=False)
    with pytest.raises(ImportFileError, match=r"\.prj absent"):
        read_qpv_file(path)
    assert_same_outlines(read_qpv_file(path, source_crs="EPSG:2154"), metro_samples())


def write_geopackage(path, samples, epsg):
    """A GeoPackage written by GDAL itself (pyogrio's bundled GDAL), in `epsg`."""
    properties = [s["properties"] for s in samples]
    names = list(properties[0])
    pyogrio.raw.write(
        str(path),
        geometry=np.array([shapely.to_wkb(s["geometry"]) for s in samples], dtype=object),
        field_data=[np.array([p[n] for p in properties], dtype=object) for n in names],
        fields=names,
        crs=f"EPSG:{epsg}",
        geometry_type="MultiPolygon",
        driver="GPKG",
        layer="qp2024",
    )
    return path


def test_geopackage_in_lambert93(tmp_path):
    samples = [s for s in planar_samples() if s["epsg"] == 2154]
    data = read_qpv_file(write_geopackage(tmp_path / "qpv.gpkg", samples, 2154))
    assert data.format == "geopackage"
    assert data.source_crs == "EPSG:2154"
    assert_same_outlines(data, metro_samples())


def test_geopackage_overseas_projection(tmp_path):
    """La Réunion's edition in RGR92 / UTM 40S (EPSG:2975)."""
    samples = [s for s in planar_samples() if s["properties"]["insee_dep"] == "974"]
    data = read_qpv_file(write_geopackage(tmp_path / "reunion.gpkg", samples, 2975))
    assert data.source_crs == "EPSG:2975"
    (feature,) = data.features
    lon, lat = feature.geometry.centroid.coords[0]
    assert 55.3 < lon < 55.6 and -21.0 < lat < -20.8
    expected = [s for s in wgs84_samples() if s["properties"]["insee_dep"] == "974"]
    assert shapely.hausdorff_distance(feature.geometry, expected[0]["geometry"]) < 1e-5


# --- malformed files -----------------------------------------------------------------


def geojson_with(tmp_path, change):
    collection = feature_collection()
    change(collection)
    return write_geojson(tmp_path / "bad.geojson", collection)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["features"][1]["properties"].pop("code_qp"), r"code_qp.*manquante"),
        (
            lambda c: c["features"][1]["properties"].update(code_qp="X123"),
            r"Entité n° 2.*code_qp.*X123",
        ),
        (
            lambda c: c["features"][2]["properties"].update(code_qp="QN09301M"),
            r"QN09301M figure déjà à l'entité n° 1",
        ),
        (
            lambda c: c["features"][0].update(
                geometry={"type": "Point", "coordinates": [2.3, 48.9]}
            ),
            r"Polygon ou un MultiPolygon, pas un Point",
        ),
        (lambda c: c["features"][0].update(geometry=None), r"contour absent"),
        (
            lambda c: c["features"][0].update(
                geometry=mapping(planar_samples()[0]["geometry"])  # Lambert-93 metres
            ),
            r"projection",
        ),
        (
            lambda c: c["features"][0]["properties"].update(insee_com="93066 et 93048"),
            r"insee_com",
        ),
        (
            lambda c: c["features"][0]["properties"].update(code_qp="QP093001"),
            r"mélange des codes",
        ),
        (lambda c: c.update(features=[]), r"aucun QPV"),
        (lambda c: c.update(type="Feature"), r"FeatureCollection"),
        (
            lambda c: c["features"][0].update(geometry={"type": "Polygon", "coordinates": "x"}),
            r"géométrie illisible",
        ),
    ],
)
def test_malformed_geojson_is_rejected_with_a_clear_message(tmp_path, change, message):
    with pytest.raises(ImportFileError, match=message) as caught:
        read_qpv_file(geojson_with(tmp_path, change))
    assert caught.value.path.endswith("bad.geojson")


def test_invalid_json_gives_line_and_column(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [,]}')
    with pytest.raises(ImportFileError) as caught:
        read_qpv_file(path)
    assert (caught.value.line, caught.value.column) == (2, 15)
    assert "ligne 2" in str(caught.value)


def test_unknown_format_and_missing_file(tmp_path):
    path = tmp_path / "qpv.csv"
    path.write_text("code_qp\n")
    with pytest.raises(ImportFileError, match="Format non reconnu"):
        read_qpv_file(path)
    with pytest.raises(ImportFileError, match="introuvable"):
        read_qpv_file(tmp_path / "absent.geojson")


def test_a_file_that_is_not_a_geopackage(tmp_path):
    path = tmp_path / "fake.gpkg"
    path.write_text(json.dumps(feature_collection()))
    with pytest.raises(ImportFileError, match="GeoPackage illisible"):
        read_qpv_file(path)


def test_self_intersecting_outline_is_repaired_and_counted(tmp_path):
    def bow_tie(collection):
        lon, lat = 2.36, 48.93
        collection["features"][0]["geometry"] = {
            "type": "Polygon",
            "coordinates": [
                [
                    [lon, lat],
                    [lon + 0.01, lat + 0.01],
                    [lon + 0.01, lat],
                    [lon, lat + 0.01],
                    [lon, lat],
                ]
            ],
        }

    data = read_qpv_file(geojson_with(tmp_path, bow_tie))
    assert data.repaired == 1
    repaired = by_code(data)["QN09301M"].geometry
    assert repaired.is_valid and len(repaired.geoms) == 2
