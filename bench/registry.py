"""The registry of benchmarks, their options and the shape of their results.

A benchmark is a function `run(size, workdir, ctx) -> list[Row]` registered under a name:

    @register("name", title="What it measures", description="How, in a sentence or two.")
    def run(size: int, workdir: Path, ctx: Context) -> list[Row]: ...

`size` is the dataset size (one call per `--sizes` value, or a fixed size for the benchmarks
registered with `sized=False`), `workdir` an empty temporary folder of its own and `ctx` the
run's shared context (options, fresh throwaway databases, notes and targets). Each row is a
flat dict that becomes a line of the benchmark's table in docs/benchmarks.md; it must hold
`database` (the vendor measured) and `size`; the other keys are free and become columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.options import Options  # re-exported (bench/__init__.py)

if TYPE_CHECKING:
    from bench.common import Context

Row = dict[str, Any]
BenchFunction = Callable[[int, Path, "Context"], list[Row]]
Finalizer = Callable[[list[Row], "Context"], list[Row]]


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    description: str
    function: BenchFunction
    # False: run once with `fixed_size(options)` instead of once per `--sizes` value.
    sized: bool = True
    fixed_size: Callable[[Options], int] | None = None
    # Called with every row of the run, to add the ratios between sizes or databases.
    finalize: Finalizer | None = None


BENCHMARKS: dict[str, Benchmark] = {}


def register(
    name: str,
    *,
    title: str,
    description: str,
    sized: bool = True,
    fixed_size: Callable[[Options], int] | None = None,
    finalize: Finalizer | None = None,
) -> Callable[[BenchFunction], BenchFunction]:
    def decorator(function: BenchFunction) -> BenchFunction:
        if name in BENCHMARKS:
            raise ValueError(f"Benchmark {name!r} registered twice")
        if not sized and fixed_size is None:
            raise ValueError(f"Benchmark {name!r}: sized=False needs fixed_size")
        BENCHMARKS[name] = Benchmark(
            name=name,
            title=title,
            description=description,
            function=function,
            sized=sized,
            fixed_size=fixed_size,
            finalize=finalize,
        )
        return function

    return decorator


def check_rows(rows: list[Row]) -> None:
    """Raise ValueError unless the rows have the shape the report expects."""
    if not rows:
        raise ValueError("a benchmark returned no rows")
    for row in rows:
        if not isinstance(row, dict):
            raise ValueError(f"row is not a dict: {row!r}")
        if not isinstance(row.get("database"), str) or not isinstance(row.get("size"), int):
            raise ValueError(f"row without database (str) and size (int): {row!r}")
        for key, value in row.items():
            if not isinstance(key, str):
                raise ValueError(f"row key is not a string: {key!r}")
            if value is not None and not isinstance(value, str | int | float):
                raise ValueError(f"row value of {key!r} is not a str or a number: {value!r}")
