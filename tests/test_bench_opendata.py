"""Smoke test of the open data benchmarks (`import`, `export`) at a tiny size: their rows
have the expected shape; the figures themselves are never asserted."""

import pytest

from bench import Context, Options, run_benchmark
from bench.registry import check_rows


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    context = Context(Options(sizes=[40], verbose=False), tmp_path_factory.mktemp("bench"))
    yield context
    context.close()


@pytest.mark.slow
def test_import_benchmark(ctx):
    rows = run_benchmark("import", ctx)
    check_rows(rows)
    assert [row["step"] for row in rows] == ["check", "import", "re-import", "update"]
    assert [row["created"] for row in rows] == [0, 40, 0, 0]
    assert rows[2]["unchanged"] == 40  # the re-import; then every row updated
    assert all(row["peak memory (MB)"] > 0 for row in rows)
    assert ctx.notes["import"] and "40 rows" in ctx.notes["import"][-1]


@pytest.mark.slow
def test_export_benchmark(ctx):
    rows = run_benchmark("export", ctx)
    check_rows(rows)
    assert [row["format"] for row in rows] == ["csv", "geojson", "xlsx"]
    assert all(0 < row["exported"] <= 40 and row["file (MB)"] > 0 for row in rows)
