"""One row of the file on its way to an initiative, and where its problems are written.

`Row` carries a line's parsed values, the model fields it resolves to, and its report;
`RowContext` holds what every row looks up (the column mapping, the options, the
communes, themes and centres read once) and writes each problem with its place (line,
column, field). `parse_row` turns the cells into values; `check_model` and `check_rights`
are the last checks before writing.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pepites.initiatives.imports import values
from pepites.initiatives.imports.fields import FIELDS_BY_KEY
from pepites.initiatives.imports.mapping import Mapping
from pepites.initiatives.imports.options import ImportOptions
from pepites.initiatives.imports.readers.base import RawRow
from pepites.initiatives.imports.references import (
    CentreIndex,
    CommuneIndex,
    CommuneInfo,
    ThemeIndex,
)
from pepites.initiatives.imports.report import CREATE, ERROR, UPDATE, WARNING, Problem, RowReport
from pepites.initiatives.imports.values import ValueProblem
from pepites.initiatives.models import Initiative, PorteurKind
from pepites.initiatives.permissions import can_create_initiative, can_edit_initiative
from pepites.territories.selectors import normalise_place_name

# Parsers of the cells, by field key (text for the others).
PARSERS: dict[str, Callable[[Any], Any]] = {
    "start_year": values.year,
    "is_running": values.boolean,
    "contact_consent": values.boolean,
    "is_demo": values.boolean,
    "commune_code": values.commune_code,
    "postcode": values.postcode,
    "departement": values.departement_code,
    "latitude": values.decimal,
    "longitude": values.decimal,
    "coordinates": values.coordinates,
    "contact_email": values.email,
    "links": values.links,
    "inspired_by": values.uuid_list,
    "status": values.status,
    "siret": values.siret,
}
# Model field → our field key, to say which column a model error is about.
MODEL_TO_KEY = {"commune": "commune_code", "principal_theme": "themes", "source_ref": "ref"}


@dataclass
class Row:
    report: RowReport
    values: dict[str, Any]
    fields: dict[str, Any] = field(default_factory=dict)  # model fields to write
    commune: CommuneInfo | None = None
    themes: list[str] = field(default_factory=list)
    principal_theme: str = ""
    centre: Any = None
    centre_explicit: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)
    inspired_by: list = field(default_factory=list)  # sources' uids ("inspirée de")
    source_ref: str = ""
    target: Initiative | None = None
    needs_reverse: bool = False
    update: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.report.errors)


def auto_ref(title: str, commune_code: str) -> str:
    """The identity of a row without identifier: its title and commune, normalised."""
    key = f"{normalise_place_name(title)}|{commune_code}"
    return "auto:" + hashlib.sha1(key.encode()).hexdigest()[:16]


def progress(options: ImportOptions, stage: str, done: int, total: int) -> None:
    if options.progress is not None:
        options.progress(stage, done, total)


def chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class RowContext:
    def __init__(self, mapping: Mapping, options: ImportOptions) -> None:
        self.mapping = mapping
        self.options = options
        self.communes = CommuneIndex()
        self.themes = ThemeIndex()
        self.centres = CentreIndex()
        # Why the address service could not answer, when it could not (see `places`).
        self.address_service_problem = ""

    def where(self, key: str) -> str:
        column = self.mapping.column_of(key)
        return column.where if column else ""

    def problem(
        self, row: Row, key: str, message: str, severity: str = ERROR, label: str = ""
    ) -> None:
        row.report.problems.append(
            Problem(
                message,
                line=row.report.line,
                column=self.where(key) if key else "",
                field=label or (str(FIELDS_BY_KEY[key].label) if key in FIELDS_BY_KEY else ""),
                severity=severity,
            )
        )


def parse_row(raw: RawRow, ctx: RowContext) -> Row:
    report = RowReport(line=raw.line)
    row = Row(report=report, values={})
    for column in ctx.mapping.columns:
        if not column.key or column.index >= len(raw.cells):
            continue
        cell = raw.cells[column.index]
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        parser = PARSERS.get(column.key, values.text)
        try:
            value = parser(cell)
        except ValueProblem as problem:
            ctx.problem(row, column.key, problem.message)
            continue
        if value == "" or value == []:
            continue
        if column.key == "porteur_kind":
            try:
                value = values.porteur_kind(value)
            except ValueProblem as problem:
                ctx.problem(row, column.key, problem.message, WARNING)
                value = PorteurKind.AUTRE.value
        row.values[column.key] = value
    report.title = str(row.values.get("title", ""))[:200]
    return row


_EXCLUDED_FROM_CLEAN = [
    "slug",
    "uid",
    "commune",
    "principal_theme",
    "centre",
    "organisation",  # set by initiatives/porteurs.py, not by the file
    "version",
    "qpv_relation",
]


def _model_errors(instance: Initiative) -> dict[str, list[str]]:
    try:
        instance.clean_fields(exclude=_EXCLUDED_FROM_CLEAN)
        instance.clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


def check_model(row: Row, ctx: RowContext) -> None:
    if row.failed or row.report.action not in {CREATE, UPDATE}:
        return
    if row.report.action == CREATE:
        instance = Initiative(
            title=row.values.get("title", ""),
            summary=row.fields.get("summary", ""),
            porteur_name=row.fields.get("porteur_name", ""),
            source_ref=row.source_ref,
        )
        fields = row.fields
    else:
        instance = copy.copy(row.target)
        fields = {
            k: v
            for k, v in row.update.items()
            if k not in {"commune_code", "theme_slugs", "principal_theme_slug"}
        }
    for key, value in fields.items():
        setattr(instance, key, value)
    for name, messages in _model_errors(instance).items():
        key = MODEL_TO_KEY.get(name, name)
        for message in messages:
            ctx.problem(row, key if key in FIELDS_BY_KEY else "", message)


def check_rights(row: Row, ctx: RowContext) -> None:
    user = ctx.options.user
    if user is None or row.failed:
        return
    if row.report.action == CREATE and not can_create_initiative(user, centre=row.centre):
        ctx.problem(
            row,
            "centre" if row.centre_explicit else "",
            _("Vous ne pouvez pas créer d'initiative pour %(centre)s.")
            % {"centre": f"« {row.centre.name} »" if row.centre else _("l'équipe nationale")},
            label=str(FIELDS_BY_KEY["centre"].label),
        )
    elif row.report.action == UPDATE and not can_edit_initiative(user, row.target):
        ctx.problem(
            row,
            "",
            _("Vous ne pouvez pas modifier l'initiative « %(title)s ».")
            % {"title": row.target.title},
        )
