"""Validate every row of a file, then write them all in one transaction.

`run_import(data, options)` reads the file (`readers`), maps its columns (`mapping`),
parses each row (`rows`) and resolves it (`resolve`: texts, themes, centre, contact;
`places`: point and commune), finds what already exists (`matching`), geocodes the
addresses in one batch, checks each future initiative against the model's rules and the
user's rights, and returns an ImportReport (`report`). Unless it is a dry run, and when
no row is in error (or the bad rows are to be skipped), `writer` then creates and updates
the initiatives inside one transaction: an error while writing leaves the database as it
was.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.core.errors import ImportFileError
from pepites.initiatives.imports.fields import FIELDS_BY_KEY
from pepites.initiatives.imports.mapping import map_columns
from pepites.initiatives.imports.matching import find_in_file_duplicates, match_existing
from pepites.initiatives.imports.options import STAGES, ImportOptions  # noqa: F401 (re-exported)
from pepites.initiatives.imports.pending import keep_deferred_rows
from pepites.initiatives.imports.places import geocode, reverse_geocode
from pepites.initiatives.imports.readers import read_table
from pepites.initiatives.imports.readers.base import RawTable
from pepites.initiatives.imports.report import (
    DEFERRED,
    INVALID,
    WARNING,
    ImportReport,
    Problem,
)
from pepites.initiatives.imports.resolve import resolve_row
from pepites.initiatives.imports.rows import (
    Row,
    RowContext,
    check_model,
    check_rights,
    parse_row,
    progress,
)
from pepites.initiatives.imports.values import ValueProblem
from pepites.initiatives.imports.writer import write_rows


def run_import(data: bytes, options: ImportOptions) -> ImportReport:
    """Check the file and, unless told otherwise or in error, import it (see module doc)."""
    report = ImportReport(
        filename=options.filename, dry_run=options.dry_run, skip_invalid=options.skip_invalid
    )
    progress(options, "read", 0, 1)
    try:
        table = read_table(data, filename=options.filename, sheet=options.sheet)
    except ImportFileError as exc:
        report.file_problems.append(
            Problem(exc.message, line=exc.line, column=str(exc.column or ""), field=exc.field)
        )
        return report
    progress(options, "read", 1, 1)
    report.format, report.encoding = table.format_label, table.encoding
    report.delimiter, report.sheet, report.unit = table.delimiter, table.sheet, table.unit
    rows, ctx = _prepare(table, options, report)
    if ctx is None or options.dry_run or not report.can_commit:
        return report
    with transaction.atomic():
        write_rows(rows, ctx, report)
        if report.committed:
            keep_deferred_rows(rows, ctx)
    if report.committed:
        record(
            action=Action.IMPORT,
            actor=options.user,
            details={
                "fichier": options.filename,
                "lignes": dict(report.counts),
            },
        )
    return report


def _prepare(
    table: RawTable, options: ImportOptions, report: ImportReport
) -> tuple[list[Row], RowContext | None]:
    explicit = options.mapping or {}
    mapping, raw_rows = map_columns(
        table, explicit=explicit, default_theme=bool(options.default_theme)
    )
    report.header_line = mapping.header_line
    report.columns = [
        {
            "letter": c.letter,
            "header": c.header,
            "field": FIELDS_BY_KEY[c.key].name if c.key else "",
            "field_label": str(FIELDS_BY_KEY[c.key].label) if c.key else "",
            "how": c.how,
        }
        for c in mapping.columns
    ]
    report.file_problems += [Problem(message) for message in mapping.problems]
    report.file_problems += [Problem(message, severity=WARNING) for message in mapping.notes]
    if not raw_rows and not mapping.problems:
        report.file_problems.append(Problem(_("Le fichier ne contient aucune ligne de données.")))
    if report.has_file_errors:
        return [], None
    ctx = RowContext(mapping, options)
    forced_centre = None
    if options.centre_slug:
        try:
            forced_centre = ctx.centres.get(options.centre_slug)
        except ValueProblem as problem:
            report.file_problems.append(Problem(problem.message))
            return [], None
    if options.default_theme and options.default_theme not in {t.slug for t in ctx.themes.themes}:
        report.file_problems.append(
            Problem(_("Thématique « %(slug)s » inconnue.") % {"slug": options.default_theme})
        )
        return [], None
    rows: list[Row] = []
    total = len(raw_rows)
    for number, raw in enumerate(raw_rows, start=1):
        row = parse_row(raw, ctx)
        resolve_row(row, ctx, forced_centre)
        rows.append(row)
        if number % 200 == 0 or number == total:
            progress(options, "check", number, total)
    reverse_geocode(rows, ctx)
    find_in_file_duplicates(rows, ctx)
    match_existing(rows, ctx)
    geocode(rows, ctx)
    for row in rows:
        check_model(row, ctx)
        check_rights(row, ctx)
        if row.failed:
            row.report.action = INVALID
        report.rows.append(row.report)
    if ctx.address_service_problem:
        _report_unreachable(report, ctx)
    return rows, ctx


def _report_unreachable(report: ImportReport, ctx: RowContext) -> None:
    waiting = sum(1 for r in report.rows if "Service d'adresses injoignable" in str(r.problems))
    kept = report.count(DEFERRED)
    message = _(
        "Le service d'adresses (Base Adresse Nationale) ne répond pas (%(problem)s) : la "
        "commune de %(n)s point(s) n'a pas pu être trouvée ; ce n'est pas une erreur du fichier."
    ) % {"problem": ctx.address_service_problem.rstrip("."), "n": waiting}
    if kept:
        message += " " + ngettext(
            "%(n)s ligne est gardée et sera placée dès que le service répondra.",
            "%(n)s lignes sont gardées et seront placées dès que le service répondra.",
            kept,
        ) % {"n": kept}
    else:
        message += " " + _(
            "Gardez ces lignes pour les placer plus tard, ou ajoutez une colonne commune."
        )
    report.file_problems.append(Problem(message, severity=WARNING))
