"""Smoke test of the `resources` benchmark at a tiny size: its row has the expected shape
and every generated PDF was read page by page; the figures themselves are never asserted."""

import pytest

from bench import Context, Options, run_benchmark
from bench.registry import check_rows


@pytest.mark.slow
def test_resources_benchmark(tmp_path_factory):
    context = Context(Options(sizes=[40], verbose=False), tmp_path_factory.mktemp("bench"))
    try:
        rows = run_benchmark("resources", context)
    finally:
        context.close()
    check_rows(rows)
    assert [(row["database"], row["size"]) for row in rows] == [("sqlite", 4)]
    row = rows[0]
    assert row["extract (s)"] > 0 and row["pages/s"] > 0
    assert row["extract peak memory (MB)"] > 0
    assert not context.notes.get("resources")  # every document extracted, every page stored
