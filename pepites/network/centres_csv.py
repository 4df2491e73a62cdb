"""Reading the network's centres file (CSV); writing is in services."""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from pepites.core.errors import ImportFileError

DEFAULT_CENTRES_FILE = Path(__file__).resolve().parent / "data" / "centres.csv"
COLUMNS = (
    "slug",
    "name",
    "former_name",
    "territory_label",
    "coverage",
    "phones",
    "website",
    "status",
)
COVERAGE_RE = re.compile(r"^(region|dept):([0-9]{2,3}|2[AB])$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STATUSES = {"active", "en_prefiguration"}


@dataclass(frozen=True)
class CentreRow:
    line: int
    slug: str
    name: str
    former_name: str
    territory_label: str
    coverage: tuple[tuple[str, str], ...]  # ("region", "84"), ("dept", "93")
    phones: tuple[str, ...]
    website: str
    status: str


def read_centres(path: Path = DEFAULT_CENTRES_FILE) -> list[CentreRow]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError as exc:
        raise ImportFileError(_("Fichier introuvable."), path=str(path)) from exc
    rows: list[CentreRow] = []
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFileError(
                _("Colonnes manquantes : %(cols)s.") % {"cols": ", ".join(missing)},
                path=str(path),
                line=1,
            )
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num

            def fail(message: str, column: str, line: int = line) -> ImportFileError:
                return ImportFileError(message, path=str(path), line=line, column=column)

            slug = (row["slug"] or "").strip()
            if not SLUG_RE.match(slug):
                raise fail(_("Identifiant « %(v)s » invalide.") % {"v": slug}, "slug")
            if slug in seen:
                raise fail(_("Identifiant « %(v)s » en double.") % {"v": slug}, "slug")
            seen.add(slug)
            if not (row["name"] or "").strip():
                raise fail(_("Le nom est obligatoire."), "name")
            coverage = []
            for token in (row["coverage"] or "").split():
                match = COVERAGE_RE.match(token)
                if not match:
                    raise fail(
                        _("Couverture « %(v)s » invalide (attendu region:84 ou dept:93).")
                        % {"v": token},
                        "coverage",
                    )
                coverage.append((match.group(1), match.group(2)))
            status = (row["status"] or "").strip()
            if status not in STATUSES:
                raise fail(_("Statut « %(v)s » inconnu.") % {"v": status}, "status")
            rows.append(
                CentreRow(
                    line=line,
                    slug=slug,
                    name=row["name"].strip(),
                    former_name=(row["former_name"] or "").strip(),
                    territory_label=(row["territory_label"] or "").strip(),
                    coverage=tuple(coverage),
                    phones=tuple(p.strip() for p in (row["phones"] or "").split("|") if p.strip()),
                    website=(row["website"] or "").strip(),
                    status=status,
                )
            )
    return rows
