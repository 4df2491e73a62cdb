"""Figures as Markdown: printed, and written into docs/benchmarks.md section by section."""

from __future__ import annotations

import re
from pathlib import Path

from bench.common import REPO_DIR
from bench.registry import Benchmark, Row

DOCUMENT = REPO_DIR / "docs" / "benchmarks.md"

HEADER = """\
# Benchmarks

Written by `make bench` (`python -m bench`, package `bench/`): each benchmark's section
below is replaced by its latest run, with its date; run `python -m bench --help` for the
options (`--only NAME`, `--sizes`, `--duration`, `--compare-deferred`, `--postgres URL`).

Method. The machines this runs on are shared and noisy (2 cores), so absolute figures
move from one run to the next: read them with their dataset size, and prefer the ratios,
which compare measurements taken in the same run on the same machine. Every benchmark
works on throwaway databases of its own in a temporary folder (a SQLite file, and a
scratch PostgreSQL database with `--postgres`), copied from a template that holds the
reference data, never on `var/pepites.sqlite3`. Performance targets live here, in the
benchmarks, never in timed tests: `make bench` exits with an error when one is missed.
"""

_SECTION = re.compile(r"<!-- bench:(?P<name>[\w-]+) -->\n.*?<!-- /bench:(?P=name) -->\n?", re.S)


def format_value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        magnitude = abs(value)
        if magnitude >= 100:
            return f"{value:,.0f}"
        if magnitude >= 10:
            return f"{value:.1f}"
        if magnitude >= 0.01 or value == 0:
            return f"{value:.2f}"
        return f"{value:.2g}"
    return str(value).replace("|", "\\|")


def table(rows: list[Row]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|"
        + "|".join(
            "---" if c in ("database", "requests", "transactions") else "--:" for c in columns
        )
        + "|",
    ]
    lines += ["| " + " | ".join(format_value(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def section(
    benchmark: Benchmark,
    rows: list[Row],
    *,
    when: str,
    machine: str,
    sizes: list[int],
    notes: list[str],
    targets: list[tuple[str, bool]],
) -> str:
    size_text = " and ".join(f"{s:,}" for s in sizes)
    parts = [
        f"## {benchmark.name}: {benchmark.title}",
        f"Last run {when} · size{'s' if len(sizes) > 1 else ''} {size_text} · {machine}",
        benchmark.description,
        table(rows),
    ]
    if targets:
        parts.append(
            "Targets:\n"
            + "\n".join(f"- {'met' if ok else '**MISSED**'}: {text}" for text, ok in targets)
        )
    if notes:
        parts.append("Notes:\n" + "\n".join(f"- {note}" for note in notes))
    return "\n\n".join(parts) + "\n"


def write_document(sections: dict[str, str], order: list[str], path: Path = DOCUMENT) -> None:
    """Replace the sections that ran, keep the others, put them in registry order."""
    existing: dict[str, str] = {}
    if path.exists():
        for match in _SECTION.finditer(path.read_text(encoding="utf-8")):
            existing[match.group("name")] = match.group(0)
    for name, text in sections.items():
        existing[name] = f"<!-- bench:{name} -->\n{text.rstrip()}\n<!-- /bench:{name} -->\n"
    names = [n for n in order if n in existing] + sorted(set(existing) - set(order))
    body = "\n".join(existing[name] for name in names)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + ("\n" + body if body else ""), encoding="utf-8")
