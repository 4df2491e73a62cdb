"""Text cells that a spreadsheet will not run (CSV formula injection, OWASP).

A CSV cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by Excel and LibreOffice. Every CSV the platform writes passes its text cells through
`neutralise`, which prefixes them with an apostrophe. So that our own importer gives back
the exact text, the rule is a bijection: a cell is prefixed when it matches `'*[=+\\-@\\t\\r]`
(a formula, or text that would look like a prefixed formula), and `restore` removes one
apostrophe only from a cell matching `'+[=+\\-@\\t\\r]`. Any other cell is left as it is.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = "=+-@\t\r"
_NEEDS_PREFIX = re.compile(r"'*[=+\-@\t\r]")
_PREFIXED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(value: str) -> str:
    """The text as a spreadsheet must see it: never a formula."""
    return "'" + value if _NEEDS_PREFIX.match(value) else value


def restore(value: str) -> str:
    """The text `neutralise` was given (our exports read back by our importer)."""
    return value[1:] if _PREFIXED.match(value) else value


def safe_row(cells: Iterable[Any]) -> list[Any]:
    """A CSV row whose text cells are neutralised; numbers stay numbers."""
    return [neutralise(cell) if isinstance(cell, str) else cell for cell in cells]


class SafeCsvWriter:
    """`csv.writer` whose rows go through `safe_row`: the one way to write a CSV."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, cells: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(cells))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for cells in rows:
            self.writerow(cells)
