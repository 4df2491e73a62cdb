"""Pépites benchmarks: `make bench`, or `python -m bench --help`.

Adding a benchmark: write `bench/NAME.py` with a function decorated by
`bench.registry.register` (see its docstring), import the module below, and its section
appears in docs/benchmarks.md at the next run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import (  # noqa: F401  (registers the benchmarks)
    communes,
    downloads,
    essaimage,
    jobs,
    loading,
    maps,
    mapwrites,
    opendata,
    pages,
    placement,
    resources,
    search,
    searchall,
    stress,
)
from bench.common import Context
from bench.registry import BENCHMARKS, Benchmark, Options, Row, check_rows, register

__all__ = [
    "BENCHMARKS",
    "Benchmark",
    "Context",
    "Options",
    "Row",
    "register",
    "run_benchmark",
    "sizes_of",
]


def sizes_of(benchmark: Benchmark, options: Options) -> list[int]:
    if benchmark.sized:
        return list(options.sizes)
    assert benchmark.fixed_size is not None
    return [benchmark.fixed_size(options)]


def run_benchmark(name: str, ctx: Context) -> list[Row]:
    """Run one benchmark at each of its sizes, each in a new folder under `ctx.root`."""
    benchmark = BENCHMARKS[name]
    ctx.current = name
    rows: list[Row] = []
    for size in sizes_of(benchmark, ctx.options):
        workdir = Path(tempfile.mkdtemp(prefix=f"{name}-{size}-", dir=ctx.root))
        rows += benchmark.function(size, workdir, ctx)
    if benchmark.finalize is not None:
        rows = benchmark.finalize(rows, ctx)
    check_rows(rows)
    return rows
