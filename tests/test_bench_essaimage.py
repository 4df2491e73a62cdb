"""Smoke test of the `essaimage` benchmark at a tiny size: the rows have the expected shape;
the figures themselves are never asserted."""

import pytest

from bench import Context, Options, run_benchmark
from bench.registry import check_rows


@pytest.mark.slow
def test_essaimage_benchmark(tmp_path_factory):
    context = Context(Options(sizes=[60], verbose=False), tmp_path_factory.mktemp("bench"))
    try:
        rows = run_benchmark("essaimage", context)
    finally:
        context.close()
    check_rows(rows)
    measures = [row["measure"] for row in rows]
    assert "dashboard (all variants)" in measures
    digest = rows[-1]
    assert digest["measure"].startswith("digest of 60 subscriptions")
    assert digest["total (s)"] >= 0 and digest["peak memory (MB)"] > 0
    assert all(row["requests"] == 30 for row in rows)
