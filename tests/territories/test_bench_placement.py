"""Smoke test of the placement benchmarks at a tiny size: the shape of their rows, never
their figures (targets live in the benchmarks)."""

import pytest

from bench import Context, Options, run_benchmark
from bench.placement import synthetic_outlines, synthetic_points, write_geojson
from bench.registry import check_rows
from pepites.territories.qpv_files import read_qpv_file


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    options = Options(sizes=[30], verbose=False)
    context = Context(options, tmp_path_factory.mktemp("bench"))
    yield context
    context.close()


def test_synthetic_outlines_are_valid_qpv(tmp_path):
    outlines = synthetic_outlines(count=40, seed=1)
    data = read_qpv_file(write_geojson(outlines, tmp_path / "qpv.geojson"))
    assert len(data.features) == 40 and data.generation == "2024"
    assert {f.departement_code for f in data.features} <= {o["departement"] for o in outlines}
    lons, lats = synthetic_points(outlines, 10, seed=1)
    assert len(lons) == len(lats) == 10


def test_in_memory_benchmark_runs(ctx):
    rows = run_benchmark("placement", ctx)
    check_rows(rows)
    (row,) = rows
    assert (row["database"], row["size"], row["outlines"]) == ("in memory", 30, 1_600)
    assert row["in a QPV"] + row["within 300 m"] + row["outside"] == 30


@pytest.mark.slow
def test_database_benchmark_runs(ctx):
    rows = run_benchmark("placement-db", ctx)
    check_rows(rows)
    (row,) = rows
    assert (row["database"], row["size"], row["changed"]) == ("sqlite", 30, 30)
    assert not ctx.notes["placement-db"], "the rerun wrote nothing"
