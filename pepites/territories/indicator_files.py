"""Reading the INSEE's data on the QPV: a CSV with one row per territory and one column per
indicator, identified by the INSEE's column names.

Layout accepted (docs/qpv.md, "Chiffres clés"):

- separator ";" (the INSEE's) or ",", UTF-8 (with or without BOM) or Windows-1252;
- a code column, ``CODGEO`` (or ``CODE_QP``, ``CODEQPV``, ``CODE_QPV``, ``QP``): a QPV code (``QN…``,
  ``QP…``, ``QD…``) gives the QPV's figures; a commune code (``93066``) gives the
  municipal reference; ``FRANCE``, ``FR``, ``FE`` or ``FM`` gives the national reference;
- indicator columns, all optional but at least one (see INDICATORS): ``POP_MUN`` or
  ``POPMUNIQPV`` (population), ``TP60`` (poverty rate at 60 % of the median), ``PART_MOINS25`` (share of
  under-25s), ``TX_EMPL`` (employment rate of the 15-64), ``DEFM_ABC`` (jobseekers,
  categories A, B, C); other columns (``LIBGEO``…) are ignored;
- numbers with a decimal comma or point, spaces between thousands; ``s`` (statistical
  secret), ``nd`` / ``n.d.`` (not available) or an empty cell: no value.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.core.errors import ImportFileError
from pepites.core.validators import COMMUNE_CODE_RE
from pepites.territories.models import QPV_CODE_RE, IndicatorScope, QpvIndicator

INDICATORS_DATASET_NAME = "insee-qpv-indicateurs"
INDICATORS_SOURCE = "INSEE, données sur les quartiers prioritaires de la politique de la ville"
INDICATORS_LICENCE = "Licence Ouverte 2.0"
# The fictional figures of the demonstration QPV (codes QD…), their own dataset and vintage.
DEMO_INDICATORS_FILE = Path(__file__).resolve().parent / "data" / "demo_qpv_indicators.csv"
DEMO_INDICATORS_DATASET_NAME = f"{INDICATORS_DATASET_NAME}-demo"
DEMO_INDICATORS_SOURCE = "Pépites : chiffres fictifs de démonstration (aucune valeur de l'INSEE)"
DEMO_INDICATORS_VINTAGE = "démonstration"
# CODEQPV, POPMUNIQPV: the names of the INSEE's population base of the 2024 QPV (as read in
# public projects that load it); the others, its older and by-source files.
CODE_COLUMNS = ("CODGEO", "CODE_QP", "CODEQPV", "CODE_QPV", "QP", "CODE_QUARTIER")
FRANCE_CODES = {"FRANCE": "FR", "FR": "FR", "FE": "FR", "FM": "FR"}
SECRET_MARKS = {"s": QpvIndicator.Status.SECRET, "nd": QpvIndicator.Status.UNAVAILABLE}
MAX_BYTES = 50 * 1024 * 1024
NUMBER_RE = re.compile(r"^-?\d+([.,]\d+)?$")


@dataclass(frozen=True)
class IndicatorDefinition:
    key: str
    columns: tuple[str, ...]  # the INSEE's names, the first one preferred
    label: object
    unit: str
    integer: bool = False


INDICATORS = (
    IndicatorDefinition(
        "population",
        ("POP_MUN", "POPMUNIQPV", "POP", "P_POP"),
        gettext_lazy("Population"),
        "habitants",
        True,
    ),
    IndicatorDefinition(
        "poverty_rate",
        ("TP60", "TX_PAUV"),
        gettext_lazy("Taux de pauvreté (seuil de 60 %)"),
        "%",
    ),
    IndicatorDefinition(
        "young_share",
        ("PART_MOINS25", "P_MOINS25"),
        gettext_lazy("Part des moins de 25 ans"),
        "%",
    ),
    IndicatorDefinition(
        "employment_rate",
        ("TX_EMPL", "TX_EMPLOI"),
        gettext_lazy("Taux d'emploi des 15-64 ans"),
        "%",
    ),
    IndicatorDefinition(
        "jobseekers",
        ("DEFM_ABC", "NB_DEFM"),
        gettext_lazy("Demandeurs d'emploi (catégories A, B, C)"),
        "personnes",
        True,
    ),
)
INDICATORS_BY_KEY = {d.key: d for d in INDICATORS}


@dataclass(frozen=True)
class IndicatorValue:
    scope: str
    code: str
    indicator: str
    value: float | None
    status: str
    line: int


@dataclass(frozen=True)
class IndicatorFile:
    path: str
    columns: dict[str, str]  # indicator key → the file's column
    values: list[IndicatorValue]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _scope(code: str) -> tuple[str, str] | None:
    upper = code.upper()
    if re.match(QPV_CODE_RE, upper):
        return IndicatorScope.QPV, upper
    if COMMUNE_CODE_RE.match(upper):
        return IndicatorScope.COMMUNE, upper
    if upper in FRANCE_CODES:
        return IndicatorScope.FRANCE, FRANCE_CODES[upper]
    return None


def parse_number(text: str, *, integer: bool) -> tuple[float | None, str] | None:
    """(value, status) of a cell, or None when it is not a number."""
    cell = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    mark = cell.lower().replace(".", "")
    if not cell:
        return None, QpvIndicator.Status.UNAVAILABLE
    if mark in SECRET_MARKS:
        return None, SECRET_MARKS[mark]
    if not NUMBER_RE.match(cell):
        return None
    value = float(cell.replace(",", "."))
    if integer and not value.is_integer():
        return None
    return value, QpvIndicator.Status.PUBLISHED


def read_indicator_file(path: Path) -> IndicatorFile:
    """The file's values, or ImportFileError saying where the first problem is."""
    name = path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ImportFileError(_("Fichier trop volumineux (50 Mo au plus)."), path=name)
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise ImportFileError(
            _("Fichier illisible : %(error)s") % {"error": exc}, path=name
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    upper = [h.upper() for h in header]
    code_index = next((upper.index(c) for c in CODE_COLUMNS if c in upper), None)
    if code_index is None:
        raise ImportFileError(
            _("Colonne du code absente : %(columns)s attendue.")
            % {"columns": " ou ".join(CODE_COLUMNS)},
            path=name,
            line=1,
        )
    columns: dict[str, int] = {}
    for definition in INDICATORS:
        found = next((upper.index(c) for c in definition.columns if c in upper), None)
        if found is not None:
            columns[definition.key] = found
    if not columns:
        raise ImportFileError(
            _("Aucune colonne d'indicateur reconnue (attendu au moins une de : %(columns)s).")
            % {"columns": ", ".join(d.columns[0] for d in INDICATORS)},
            path=name,
            line=1,
        )
    values: list[IndicatorValue] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        code = row[code_index].strip() if code_index < len(row) else ""
        scoped = _scope(code)
        if scoped is None:
            raise ImportFileError(
                _(
                    "« %(code)s » n'est ni un code de QPV (ex. QN09301M), ni un code de commune "
                    "(ex. 93066), ni FRANCE."
                )
                % {"code": code},
                path=name,
                line=line,
                column=header[code_index],
            )
        if scoped in seen:
            raise ImportFileError(
                _("Code %(code)s en double (déjà ligne %(first)s).")
                % {"code": code, "first": seen[scoped]},
                path=name,
                line=line,
                column=header[code_index],
            )
        seen[scoped] = line
        for key, index in columns.items():
            definition = INDICATORS_BY_KEY[key]
            cell = row[index] if index < len(row) else ""
            parsed = parse_number(cell, integer=definition.integer)
            if parsed is None:
                raise ImportFileError(
                    _("« %(cell)s » n'est pas un nombre%(kind)s (ni « s », ni « nd »).")
                    % {"cell": cell, "kind": _(" entier") if definition.integer else ""},
                    path=name,
                    line=line,
                    column=header[index],
                )
            values.append(IndicatorValue(scoped[0], scoped[1], key, *parsed, line=line))
    return IndicatorFile(
        path=name, columns={key: header[index] for key, index in columns.items()}, values=values
    )
