"""The options of a benchmark run (their own module: the registry and the shared context
both read them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Options:
    sizes: list[int] = field(default_factory=lambda: [10_000, 100_000])
    # stress
    duration: float = 60.0
    writers: int = 20
    readers: int = 200
    stress_size: int = 2_000
    compare_deferred: bool = False
    timeout: float = 60.0
    # False (smoke test only): serve with STATIC_MANIFEST=false instead of running the slow
    # `collectstatic` that `make setup` runs before `make serve`.
    collect_static: bool = True
    # every benchmark
    postgres_url: str | None = None
    seed: int = 0
    verbose: bool = True
