"""From French values to Python values: the parsers of the cells.

Each parser takes what a reader gives (text, a number, a date cell) and returns the value
our fields hold, or raises ValueProblem with a French message saying what is expected;
the importer adds where (line, column, field).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pepites.initiatives.models import InitiativeStatus, PorteurKind
from pepites.organisations.validators import clean_siret, siret_problem


class ValueProblem(Exception):
    """A cell's value is unusable; the message is French and says what is expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fold(text: Any) -> str:
    """Lower case ASCII without accents: "Thématique(s)" → "thematique(s)"."""
    text = str(text).replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text)
    return text.encode("ascii", "ignore").decode("ascii").lower()


def text(value: Any) -> str:
    """A cell as text: numbers without a useless ".0", dates in French, line ends unified."""
    if type(value) is str:  # most cells: straight to the end
        return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M")
            if value.time() != datetime.min.time()
            else value.strftime("%d/%m/%Y")
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    # Control characters and lone surrogates out (spreadsheets and JSON leave some); spaces
    # kept as written, so that an export re-imports to the very same text.
    return _CONTROL.sub("", value).strip()


# Unicode's categories Cc (control) and Cs (surrogate), but for line feed and tab.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")


def decimal(value: Any) -> float:
    """ "45,75", "45.75", "1 234,5" → float."""
    if isinstance(value, bool):
        raise ValueProblem(_("Nombre attendu (ex. 45,75)."))
    if isinstance(value, int | float):
        number = float(value)
    else:
        raw = re.sub(r"[\s\u00a0\u202f']", "", str(value))
        if raw.count(",") == 1 and raw.count(".") >= 1 and raw.index(".") < raw.index(","):
            raw = raw.replace(".", "")  # 1.234,5
        if not _NUMBER.match(raw):
            raise ValueProblem(
                _("« %(value)s » n'est pas un nombre (ex. 45,75).") % {"value": text(value)[:50]}
            )
        number = float(raw.replace(",", "."))
    if not math.isfinite(number):
        raise ValueProblem(_("Nombre attendu (ex. 45,75)."))
    return number


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
EXCEL_EPOCH = date(1899, 12, 30)


def year(value: Any) -> int:
    """2019, "2019", "03/2019", "mars 2019", "01/03/2019", "2019-03-01", a date cell, or an
    Excel serial date → 2019."""
    if isinstance(value, datetime | date):
        found = value.year
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 1800 <= value <= 2199 and float(value).is_integer():
            found = int(value)
        elif 10_000 <= value <= 80_000:  # a date cell read as its serial number
            found = (EXCEL_EPOCH + timedelta(days=int(value))).year
        else:
            raise ValueProblem(_("Année attendue (ex. 2019 ou 03/2019)."))
    else:
        years = _YEAR.findall(text(value))
        if len(set(years)) != 1:
            raise ValueProblem(
                _("« %(value)s » : année attendue (ex. 2019 ou 03/2019).")
                % {"value": text(value)[:50]}
            )
        found = int(years[0])
    if not 1900 <= found <= 2100:
        raise ValueProblem(
            _("L'année %(year)s n'est pas plausible (entre 1900 et 2100).") % {"year": found}
        )
    return found


_TRUE = {"oui", "o", "yes", "y", "vrai", "true", "1", "x", "en cours", "actif", "active", "ok"}
_FALSE = {
    "non",
    "n",
    "no",
    "faux",
    "false",
    "0",
    "termine",
    "terminee",
    "arrete",
    "arretee",
    "fini",
    "finie",
    "inactif",
    "clos",
    "close",
}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = " ".join(fold(text(value)).replace("-", " ").split())
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueProblem(_("« %(value)s » : oui ou non attendu.") % {"value": text(value)[:50]})


_PORTEUR_WORDS = (
    (PorteurKind.ASSOCIATION, ("association", "asso", "loi 1901", "federation")),
    (PorteurKind.COOPERATIVE, ("cooperative", "scop", "scic", "cae")),
    (PorteurKind.BAILLEUR, ("bailleur", "oph", "esh", "hlm", "office public habitat")),
    (
        PorteurKind.ETABLISSEMENT_PUBLIC,
        ("etablissement public", "epic", "epa", "ccas", "gip", "chambre", "universite"),
    ),
    (
        PorteurKind.COLLECTIVITE,
        ("collectivite", "commune", "mairie", "ville", "epci", "agglomeration", "metropole"),
    ),
    (
        PorteurKind.ENTREPRISE,
        ("entreprise", "sarl", "sas", "sasu", "eurl", "sa", "auto entrepreneur", "societe"),
    ),
    (PorteurKind.AUTRE, ("autre",)),
)


def _words(value: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(value)).split())


@functools.cache
def _porteur_names(language: str | None) -> dict[str, str]:
    """Each kind by its value and its label (in `language`), folded."""
    names: dict[str, str] = {}
    for kind in PorteurKind:
        for name in (kind.value.replace("_", " "), _words(str(kind.label))):
            names.setdefault(name, kind.value)
    return names


def porteur_kind(value: Any) -> str:
    # A file repeats a few kinds on every row: each is worked out once.
    return _porteur_kind(value, get_language())


@functools.lru_cache(maxsize=1024, typed=True)
def _porteur_kind(value: Any, language: str | None) -> str:
    folded = _words(text(value))
    kind_value = _porteur_names(language).get(folded)
    if kind_value is not None:
        return kind_value
    words = f" {folded} "
    for kind, hints in _PORTEUR_WORDS:
        if any(f" {hint} " in words for hint in hints):
            return kind.value
    raise ValueProblem(
        _("Type de porteur « %(value)s » inconnu ; valeurs possibles : %(choices)s.")
        % {"value": text(value)[:50], "choices": ", ".join(str(k.label) for k in PorteurKind)}
    )


def status(value: Any) -> str:
    folded = fold(text(value)).strip()
    for choice in InitiativeStatus:
        if folded in {choice.value, fold(choice.label)}:
            return choice.value
    aliases = {
        "publie": InitiativeStatus.PUBLISHED,
        "en ligne": InitiativeStatus.PUBLISHED,
        "propose": InitiativeStatus.PROPOSED,
        "archive": InitiativeStatus.ARCHIVED,
    }
    if folded in aliases:
        return aliases[folded].value
    raise ValueProblem(
        _("État « %(value)s » inconnu ; valeurs possibles : %(choices)s.")
        % {"value": text(value)[:50], "choices": ", ".join(str(c.label) for c in InitiativeStatus)}
    )


def _code(value: Any, pattern: str, message: str) -> str:
    """A code without spaces, in upper case, with the leading zero a spreadsheet drops from
    a number put back ("93 200" → "93200", 1000 → "01000", "2a004" → "2A004"), checked
    against `pattern`; `message` says what is expected."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = re.sub(r"\s", "", text(value)).upper()
    if re.fullmatch(r"\d{4}", raw):
        raw = "0" + raw
    if not re.fullmatch(pattern, raw):
        raise ValueProblem(message % {"value": text(value)[:20]})
    return raw


@functools.lru_cache(maxsize=8192, typed=True)  # a file names the same communes again and again
def postcode(value: Any) -> str:
    """ "93200", 93200, "1000" (a leading zero lost by a spreadsheet) → "01000"."""
    return _code(
        value, r"\d{5}", _("Code postal « %(value)s » invalide : 5 chiffres attendus (ex. 93200).")
    )


@functools.lru_cache(maxsize=8192, typed=True)
def commune_code(value: Any) -> str:
    return _code(
        value,
        r"\d{5}|2[AB]\d{3}",
        _("Code INSEE « %(value)s » invalide : 5 caractères attendus (ex. 93066 ou 2A004)."),
    )


def departement_code(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = text(value).strip().upper()
    match = re.match(r"^(\d{2,3}|2[AB])\b", raw)
    if match:
        code = match.group(1)
        return code.zfill(2) if code.isdigit() and len(code) == 1 else code
    if re.fullmatch(r"\d", raw):
        return raw.zfill(2)
    return raw  # a name: resolved by the importer


_EMAIL = EmailValidator()
_URL = URLValidator(schemes=["http", "https"])


def email(value: Any) -> str:
    raw = text(value).replace("mailto:", "").strip()
    try:
        _EMAIL(raw)
    except ValidationError as exc:
        raise ValueProblem(
            _("Adresse électronique « %(value)s » invalide.") % {"value": raw[:100]}
        ) from exc
    return raw


def url(value: str) -> str:
    raw = value.strip().rstrip(".,;")
    if raw.lower().startswith("www."):
        raw = "https://" + raw
    try:
        _URL(raw)
    except ValidationError as exc:
        raise ValueProblem(_("Adresse web « %(value)s » invalide.") % {"value": raw[:100]}) from exc
    return raw


_UMAP_LINK = re.compile(r"\[\[(\S+?)(?:\|([^\]]*))?\]\]")


def links(value: Any) -> list[tuple[str, str]]:
    """One link per line, "url label" (our export), or URLs separated by spaces or ";";
    uMap's [[url|label]] too."""
    raw = text(value)
    found: list[tuple[str, str]] = []
    for match in _UMAP_LINK.finditer(raw):
        found.append((url(match.group(1)), (match.group(2) or "").strip()))
    raw = _UMAP_LINK.sub("\n", raw)
    for line in re.split(r"[\n;]", raw):
        line = line.strip()
        if not line:
            continue
        first, _sep, rest = line.partition(" ")
        if re.match(r"(?i)^(https?://|www\.)", first):
            found.append((url(first), rest.strip()))
        else:
            raise ValueProblem(
                _("« %(value)s » : une adresse web par ligne attendue (ex. https://exemple.fr).")
                % {"value": line[:100]}
            )
    return list(dict.fromkeys(found))


_UMAP_MARKUP = re.compile(r"\{\{[^}]*\}\}|\*\*|(?<!\w)_{1,2}(?=\w)|(?<=\w)_{1,2}(?!\w)")


def umap_markup(value: str) -> tuple[str, list[tuple[str, str]]]:
    """uMap's description syntax: [[url|label]] links taken out (the label stays in the
    text), {{image}} and **bold** marks removed."""
    found: list[tuple[str, str]] = []

    def link(match: re.Match) -> str:
        try:
            found.append((url(match.group(1)), (match.group(2) or "").strip()))
        except ValueProblem:
            return match.group(0)
        return (match.group(2) or "").strip()

    cleaned = _UMAP_LINK.sub(link, value)
    cleaned = _UMAP_MARKUP.sub("", cleaned)
    return text("\n".join(line.strip() for line in cleaned.split("\n"))), found


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[;|\n/]+", text(value)) if part.strip()]


def coordinates(value: Any) -> tuple[float, float]:
    """ "48.9355, 2.358", "48,9355 ; 2,358" or "48.9355 2.358" → (latitude, longitude)."""
    raw = text(value).strip("()[] ")
    for separator in (";", "/", ", ", " "):
        if separator in raw:
            parts = raw.split(separator)
            break
    else:
        parts = raw.split(",") if raw.count(",") == 1 else [raw]
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) != 2:
        raise ValueProblem(
            _(
                "Coordonnées « %(value)s » illisibles : « latitude, longitude » attendu "
                "(ex. 48.9355, 2.358)."
            )
            % {"value": raw[:50]}
        )
    return decimal(parts[0]), decimal(parts[1])


def siret(value: Any) -> str:
    """A SIRET, spaces and dots removed; 14 digits with a valid key (La Poste's aside)."""
    digits = clean_siret(text(value))
    problem = siret_problem(digits)
    if problem:
        raise ValueProblem(problem)
    return digits


def uuid_list(value: Any) -> list[uuid.UUID]:
    """Pépites identifiers separated by ";" or spaces (the column `inspiree_de`)."""
    found = []
    for part in re.split(r"[;\s]+", text(value)):
        if not part:
            continue
        try:
            found.append(uuid.UUID(part))
        except ValueError as exc:
            raise ValueProblem(
                _("« %(value)s » n'est pas un identifiant Pépites.") % {"value": part[:60]}
            ) from exc
    return list(dict.fromkeys(found))
