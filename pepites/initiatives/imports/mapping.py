"""From the headers people write to our fields (listed in `fields`).

Headers are compared once normalised (no accents, case, punctuation, plural marks, small
words), against each field's name in our export and its synonyms; a near miss (a typo) is
accepted when nothing else is close. What cannot be guessed is given as an explicit mapping
("column header or letter" → field name).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pepites.initiatives.imports.fields import (
    FIELDS,
    FIELDS_BY_KEY,
    FIELDS_BY_NAME,
    READ_ONLY_COLUMNS,
)
from pepites.initiatives.imports.readers.base import RawRow, RawTable
from pepites.initiatives.imports.values import ValueProblem, fold

IGNORE = "ignorer"
FUZZY_RATIO = 0.88
HEADER_SEARCH_ROWS = 10

_SMALL_WORDS = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
    "et",
    "a",
    "au",
    "aux",
    "en",
    "un",
    "une",
}


def normalise_header(text: Any, *, split_camel_case: bool = False) -> str:
    text = str(text)
    if split_camel_case:
        text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # streetAddress → street Address
    text = fold(text)
    text = re.sub(r"\((?:s|e|es|x|nes)\)", "", text)  # Thématique(s), Porteur(e)
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    words = [w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words]  # plurals
    return " ".join(w for w in words if w not in _SMALL_WORDS)


def _strip_details(text: Any) -> str:
    """The header without what comes after a colon or inside brackets."""
    text = re.sub(r"[(\[].*?[)\]]", " ", str(text))
    return text.split(":")[0].split("*")[0]


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for f in FIELDS:
        for variant in (f.name, str(f.label), *f.synonyms):
            index.setdefault(normalise_header(variant), f.key)
    for name in READ_ONLY_COLUMNS:
        index.setdefault(normalise_header(name), "")
    return index


HEADER_INDEX = _build_index()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def match_header(header: Any) -> tuple[str | None, str]:
    """(field key, how): key "" for a known read-only column, None when unrecognised;
    how is "exact", "approx" or ""."""
    if header is None:
        return None, ""
    for split in (False, True):
        for candidate in (header, _strip_details(header)):
            key = HEADER_INDEX.get(normalise_header(candidate, split_camel_case=split))
            if key is not None:
                return key, "exact"
    normalised = normalise_header(_strip_details(header))
    if len(normalised) < 4:
        return None, ""
    close = difflib.get_close_matches(normalised, list(HEADER_INDEX), n=2, cutoff=FUZZY_RATIO)
    keys = {HEADER_INDEX[c] for c in close}
    if len(keys) == 1:
        return keys.pop(), "approx"
    return None, ""


@dataclass
class Column:
    index: int
    header: str
    key: str | None  # field key; None: not imported
    how: str  # "exact", "approx", "explicit", "read_only", "duplicate", "unknown", "ignored"
    note: str = ""

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def where(self) -> str:
        return f"{self.letter} (« {self.header} »)" if self.header else self.letter


@dataclass
class Mapping:
    columns: list[Column]
    header_line: int | None  # None for JSON files (their properties are the headers)
    problems: list[str] = field(default_factory=list)  # file-level errors, in French
    notes: list[str] = field(default_factory=list)  # file-level warnings

    def column_of(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def keys(self) -> set[str]:
        return {c.key for c in self.columns if c.key}


def parse_explicit_mapping(items: list[str] | dict[str, str] | None) -> dict[str, str]:
    """ "En-tête=champ" strings (or a dict) → {normalised header or letter: field key or IGNORE}.

    Raise ValueProblem on an unknown field name."""
    pairs: list[tuple[str, str]] = []
    if isinstance(items, dict):
        pairs = list(items.items())
    else:
        for item in items or []:
            if "=" not in item:
                raise ValueProblem(
                    _("Correspondance « %(item)s » : écrivez « En-tête du fichier=champ ».")
                    % {"item": item}
                )
            header, _sep, name = item.rpartition("=")
            pairs.append((header, name))
    explicit: dict[str, str] = {}
    for header, name in pairs:
        name = name.strip()
        if name in {"", IGNORE, "-"}:
            key = IGNORE
        elif name in FIELDS_BY_NAME:
            key = FIELDS_BY_NAME[name].key
        elif name in FIELDS_BY_KEY:
            key = name
        else:
            raise ValueProblem(
                _("Champ « %(name)s » inconnu. Champs possibles : %(names)s, ou « ignorer ».")
                % {"name": name, "names": ", ".join(f.name for f in FIELDS)}
            )
        header = header.strip()
        explicit[header if re.fullmatch(r"[A-Z]{1,3}", header) else normalise_header(header)] = key
    return explicit


def _header_score(cells: list[Any]) -> int:
    keys = set()
    for cell in cells:
        if isinstance(cell, str) and cell.strip():
            key, _how = match_header(cell)
            if key:
                keys.add(key)
    return len(keys)


def find_header_row(rows: list[RawRow]) -> int:
    """Index of the header row among the first rows: the first one that names the most
    fields (a title line above the headers is common), or 0."""
    best, best_score = 0, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = _header_score(row.cells)
        if score > best_score:
            best, best_score = index, score
    return best


# The porteur defaults to the title (uMap and GoGoCarto name the structure), the themes to
# the uMap layer or to the theme chosen for the whole file.
REQUIRED = ("title", "summary")
PLACE_KEYS = ("commune_code", "commune_name", "postcode", "coordinates", "latitude")


def map_columns(
    table: RawTable, *, explicit: dict[str, str] | None = None, default_theme: bool = False
) -> tuple[Mapping, list[RawRow]]:
    """The mapping of the table's columns, and its data rows (after the header row)."""
    explicit = explicit or {}
    if table.headers is not None:
        headers, data_rows, header_line = list(table.headers), table.rows, None
    else:
        if not table.rows:
            return Mapping(
                columns=[], header_line=None, problems=[_("Le fichier ne contient aucune ligne.")]
            ), []
        start = find_header_row(table.rows)
        header_row = table.rows[start]
        headers = ["" if c is None else str(c).strip() for c in header_row.cells]
        data_rows, header_line = table.rows[start + 1 :], header_row.line
    columns: list[Column] = []
    taken: dict[str, Column] = {}
    for index, header in enumerate(headers):
        forced = explicit.get(column_letter(index), explicit.get(normalise_header(header)))
        if forced == IGNORE:
            columns.append(Column(index, header, None, "ignored"))
            continue
        if forced:
            key, how = forced, "explicit"
        else:
            key, how = match_header(header) if header else (None, "")
            if key == "":
                columns.append(Column(index, header, None, "read_only"))
                continue
            if key is None:
                columns.append(Column(index, header, None, "unknown"))
                continue
        if key in taken and how != "explicit":
            columns.append(
                Column(
                    index,
                    header,
                    None,
                    "duplicate",
                    _("« %(field)s » vient déjà de la colonne %(other)s")
                    % {"field": FIELDS_BY_KEY[key].label, "other": taken[key].where},
                )
            )
            continue
        if key in taken:  # an explicit choice wins over a guess
            previous = taken[key]
            previous.key, previous.how = None, "duplicate"
        column = Column(index, header, key, how)
        taken[key] = column
        columns.append(column)
    mapping = Mapping(columns=columns, header_line=header_line)
    keys = mapping.keys
    for key in REQUIRED:
        if key not in keys:
            f = FIELDS_BY_KEY[key]
            examples = ", ".join(f"« {s} »" for s in (f.name, *f.synonyms[:3]))
            mapping.problems.append(
                _(
                    "Colonne « %(field)s » introuvable (en-têtes reconnus : %(examples)s…). "
                    "Renommez la colonne ou indiquez la correspondance."
                )
                % {"field": f.label, "examples": examples}
            )
    if not keys.intersection({"themes", "principal_theme", "layer"}) and not default_theme:
        mapping.problems.append(
            _(
                "Colonne « thématiques » introuvable : ajoutez-la, indiquez la correspondance "
                "ou choisissez une thématique pour tout le fichier."
            )
        )
    if "porteur_name" not in keys and "title" in keys:
        mapping.notes.append(
            _("Pas de colonne « porteur » : le porteur de chaque initiative sera son titre.")
        )
    if not keys.intersection(PLACE_KEYS) and "address" not in keys:
        mapping.problems.append(
            _(
                "Aucune colonne ne situe les initiatives : il faut le code INSEE, la commune, "
                "le code postal ou les coordonnées."
            )
        )
    if "latitude" in keys and "longitude" not in keys:
        mapping.problems.append(_("Colonne « latitude » sans colonne « longitude »."))
    if "longitude" in keys and "latitude" not in keys:
        mapping.problems.append(_("Colonne « longitude » sans colonne « latitude »."))
    for column in columns:
        if column.how == "approx":
            mapping.notes.append(
                _("Colonne %(where)s lue comme « %(field)s » (en-tête approché).")
                % {"where": column.where, "field": FIELDS_BY_KEY[column.key].label}
            )
        elif column.how == "duplicate":
            mapping.notes.append(
                _("Colonne %(where)s ignorée : %(note)s.")
                % {"where": column.where, "note": column.note}
            )
        elif column.how == "unknown" and column.header:
            mapping.notes.append(
                _(
                    "Colonne %(where)s non reconnue : ignorée (indiquez sa correspondance si besoin)."
                )
                % {"where": column.where}
            )
    return mapping, data_rows
