"""The requests' tally (InspirationRequestTally): what each request adds to it, the
services' updates in their own transaction, and the rebuild from the requests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection

# The request's columns that the tally depends on.
FIELDS = (
    "month",
    "status",
    "is_demo",
    "answer_seconds",
    "referring_centre_id",
    "local_centre_id",
    "theme_id",
    "region_id",
)
DAY_SECONDS = 86_400
_UPSERT_BATCH = 500

Key = tuple[Any, int, int, str, str]  # month, scope centre, scope theme, facet, facet key


def facets(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (facet, key) pairs a request counts in, within any scope."""
    pairs = [
        ("s", str(row["status"])),
        ("c", str(row["local_centre_id"] or "")),
        ("t", str(row["theme_id"] or "")),
        ("r", str(row["region_id"] or "")),
    ]
    if row["answer_seconds"] is not None:
        pairs.append(("d", str(row["answer_seconds"] // DAY_SECONDS)))
    return pairs


def scopes(row: Mapping[str, Any]) -> list[tuple[int, int]]:
    """The whole network and each centre involved (once, if both roles are one centre),
    for all themes and for the request's theme."""
    centres = [0, *{c for c in (row["referring_centre_id"], row["local_centre_id"]) if c}]
    themes = [0, row["theme_id"]] if row["theme_id"] else [0]
    return [(centre, theme) for centre in centres for theme in themes]


def contributions(row: Mapping[str, Any], sign: int, into: dict[Key, list[int]]) -> None:
    values = (sign, sign if row["is_demo"] else 0, sign if row["answer_seconds"] is not None else 0)
    for centre, theme in scopes(row):
        for facet, key in facets(row):
            counts = into.setdefault((row["month"], centre, theme, facet, key), [0, 0, 0])
            for position, value in enumerate(values):
                counts[position] += value


def state_of(request: Any) -> dict[str, Any]:
    return {name: getattr(request, name) for name in FIELDS}


def apply(*, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
    """Move the tally from a request's state `before` (None: new) to `after` (None: gone),
    in the caller's transaction: one upsert of the keys that change."""
    deltas: dict[Key, list[int]] = {}
    if before is not None:
        contributions(before, -1, deltas)
    if after is not None:
        contributions(after, 1, deltas)
    _upsert([(key, counts) for key, counts in deltas.items() if any(counts)])


def _upsert(rows: list[tuple[Key, list[int]]]) -> None:
    from pepites.essaimage.models import InspirationRequestTally

    table = connection.ops.quote_name(InspirationRequestTally._meta.db_table)
    for start in range(0, len(rows), _UPSERT_BATCH):
        batch = rows[start : start + _UPSERT_BATCH]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch))
        params: list[Any] = []
        for key, counts in batch:
            params += [*key, *counts]
        sql = (
            f"INSERT INTO {table} (month, scope_centre, scope_theme, facet, facet_key, "
            f"requests, demo, answered) VALUES {values} "
            "ON CONFLICT (scope_centre, scope_theme, month, facet, facet_key) DO UPDATE SET "
            f"requests = {table}.requests + excluded.requests, "
            f"demo = {table}.demo + excluded.demo, "
            f"answered = {table}.answered + excluded.answered"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def tally_rows(requests: Iterable[Mapping[str, Any]]) -> dict[Key, list[int]]:
    counts: dict[Key, list[int]] = {}
    for row in requests:
        contributions(row, 1, counts)
    return counts


def rebuild(*, request_model: Any, tally_model: Any) -> int:
    """Recompute the whole tally from the requests (models given, for the data migration's
    historical ones); returns the number of tally rows."""
    counts = tally_rows(request_model.objects.order_by().values(*FIELDS).iterator(5000))
    tally_model.objects.all().delete()
    tally_model.objects.bulk_create(
        (
            tally_model(
                month=month,
                scope_centre=centre,
                scope_theme=theme,
                facet=facet,
                facet_key=key,
                requests=n,
                demo=demo,
                answered=answered,
            )
            for (month, centre, theme, facet, key), (n, demo, answered) in counts.items()
        ),
        batch_size=2000,
    )
    return len(counts)
