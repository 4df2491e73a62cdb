"""The figures' open-data file (one row per initiative and year) and its import: the file
written by `iter_figures_csv` / `figures_sheet_rows` is read back by `import_figures`.

A failed import writes nothing: every row is checked first, then all are written in one
transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.core.errors import ImportFileError
from pepites.core.spreadsheet import neutralise, restore
from pepites.initiatives.figures.models import FiguresSource, InitiativeFigures
from pepites.initiatives.figures.services import clean_figures, clean_year
from pepites.initiatives.imports.readers import read_table
from pepites.initiatives.models import Initiative

# (file column, model field or "", title); "titre" is for people reading the file.
FIGURES_COLUMNS = (
    ("uid", "", gettext_lazy("Identifiant Pépites de l'initiative")),
    ("titre", "", gettext_lazy("Titre de l'initiative (non relu à l'import)")),
    ("annee", "year", gettext_lazy("Année")),
    ("personnes_touchees", "people_reached", gettext_lazy("Personnes touchées")),
    ("dont_habitants_qpv", "qpv_residents", gettext_lazy("Dont habitants des QPV")),
    ("emplois", "jobs", gettext_lazy("Emplois créés ou maintenus")),
    ("activites_creees", "activities_created", gettext_lazy("Activités ou entreprises créées")),
    ("budget_euros", "budget", gettext_lazy("Budget (euros)")),
    ("commentaire", "comment", gettext_lazy("Commentaire")),
)
FIGURES_COLUMN_NAMES = [name for name, _field, _title in FIGURES_COLUMNS]
FIGURES_SHEET = "Résultats chiffrés"


def figures_for(initiatives: QuerySet[Initiative]) -> QuerySet[InitiativeFigures]:
    return (
        InitiativeFigures.objects.filter(initiative__in=initiatives.values("pk"))
        .select_related("initiative")
        .order_by("initiative__uid", "year")
    )


def _row(figures: InitiativeFigures) -> list[Any]:
    return [
        str(figures.initiative.uid),
        figures.initiative.title,
        *(getattr(figures, name) for _col, name, _title in FIGURES_COLUMNS[2:]),
    ]


def figures_sheet_rows(figures: Iterable[InitiativeFigures]) -> Iterator[list[Any]]:
    yield FIGURES_COLUMN_NAMES
    for item in figures:
        yield _row(item)


class _Line:
    def write(self, value: str) -> str:
        return value


def iter_figures_csv(figures: Iterable[InitiativeFigures]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(FIGURES_COLUMN_NAMES)
    for item in figures.iterator(chunk_size=2000) if isinstance(figures, QuerySet) else figures:
        yield writer.writerow(
            [neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in _row(item)]
        )


@dataclass
class FiguresImportReport:
    created: int = 0
    updated: int = 0
    errors: list[ImportFileError] = field(default_factory=list)
    written: bool = False


def _header(cells: list[Any], filename: str) -> dict[str, int]:
    names = [str(cell or "").strip().lower() for cell in cells]
    positions = {name: index for index, name in enumerate(names) if name}
    missing = [name for name in ("uid", "annee") if name not in positions]
    if missing:
        raise ImportFileError(
            _("Colonnes obligatoires absentes : %(names)s (voir l'export « résultats »).")
            % {"names": ", ".join(missing)},
            path=filename,
            line=1,
        )
    return positions


def _cell(cells: list[Any], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    return restore(value.strip()) if isinstance(value, str) else value


def import_figures(
    *,
    data: bytes,
    filename: str,
    initiatives: QuerySet[Initiative],
    user: Any = None,
    dry_run: bool = False,
) -> FiguresImportReport:
    """Read a figures file (CSV, XLSX: the « Résultats chiffrés » sheet when present) and
    upsert each row for the initiatives of `initiatives` (those the importer may edit).
    With any error, or `dry_run`, nothing is written."""
    report = FiguresImportReport()
    try:
        sheet = FIGURES_SHEET if filename.lower().endswith(".xlsx") else ""
        try:
            table = read_table(data, filename=filename, sheet=sheet)
        except ImportFileError:
            if not sheet:
                raise
            table = read_table(data, filename=filename)
        if not table.rows:
            raise ImportFileError(_("Le fichier ne contient aucune ligne."), path=filename)
        positions = _header(table.rows[0].cells, filename)
    except ImportFileError as exc:
        report.errors.append(exc)
        return report
    by_uid: dict[str, Initiative | None] = {}
    planned: dict[tuple[int, int], tuple[int, dict[str, Any]]] = {}
    for raw in table.rows[1:]:
        uid = str(_cell(raw.cells, positions["uid"]) or "").strip().lower()
        initiative = by_uid.get(uid)
        if initiative is None and uid:
            try:
                initiative = initiatives.filter(uid=uid).first()
            except ValidationError:  # not a UUID
                initiative = None
            by_uid[uid] = initiative
        if initiative is None:
            report.errors.append(
                ImportFileError(
                    _("Initiative inconnue, ou que vous ne pouvez pas modifier : « %(uid)s ».")
                    % {"uid": uid},
                    path=filename,
                    line=raw.line,
                    column="uid",
                )
            )
            continue
        values = {
            model_name: _cell(raw.cells, positions.get(column))
            for column, model_name, _title in FIGURES_COLUMNS[3:]
        }
        try:
            year = clean_year(_cell(raw.cells, positions["annee"]))
            cleaned = clean_figures(values)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = next((c for c, f, _t in FIGURES_COLUMNS if f == name), None)
                report.errors.append(
                    ImportFileError(" ".join(messages), path=filename, line=raw.line, column=column)
                )
            continue
        if (initiative.pk, year) in planned:
            report.errors.append(
                ImportFileError(
                    _("Deux lignes pour la même initiative et l'année %(year)s.") % {"year": year},
                    path=filename,
                    line=raw.line,
                )
            )
            continue
        planned[(initiative.pk, year)] = (raw.line, cleaned)
    existing = set(
        InitiativeFigures.objects.filter(
            initiative_id__in={pk for pk, _year in planned}
        ).values_list("initiative_id", "year")
    )
    report.updated = len(existing & set(planned))
    report.created = len(planned) - report.updated
    if report.errors or dry_run:
        return report
    stamp = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        for (initiative_pk, year), (_line, cleaned) in planned.items():
            InitiativeFigures.objects.update_or_create(
                initiative_id=initiative_pk,
                year=year,
                defaults={**cleaned, "source": FiguresSource.IMPORT, "updated_by": stamp},
            )
    report.written = True
    return report
