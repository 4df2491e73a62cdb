"""What an import did or would do: per row, the action and every problem with its place.

The report is plain data (to_dict/from_dict) so that the web interface can keep it
between the preview and the confirmation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

ERROR = "error"
WARNING = "warning"

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
DUPLICATE = "duplicate"
INVALID = "invalid"
# Kept to be placed later: no commune yet, the address service did not answer (a job
# finds it from the point and creates the initiative; see `imports.pending`).
DEFERRED = "deferred"

ACTION_LABELS = {
    CREATE: gettext_lazy("à créer"),
    UPDATE: gettext_lazy("à mettre à jour"),
    UNCHANGED: gettext_lazy("inchangée"),
    DUPLICATE: gettext_lazy("doublon : non importée"),
    INVALID: gettext_lazy("en erreur"),
    DEFERRED: gettext_lazy("gardée, à placer plus tard"),
}
DONE_LABELS = {
    CREATE: gettext_lazy("créée"),
    UPDATE: gettext_lazy("mise à jour"),
    UNCHANGED: gettext_lazy("inchangée"),
    DUPLICATE: gettext_lazy("doublon : non importée"),
    INVALID: gettext_lazy("non importée (erreur)"),
    DEFERRED: gettext_lazy("gardée : créée dès que sa commune sera trouvée"),
}


@dataclass
class Problem:
    message: str
    line: int | None = None
    column: str = ""  # "C (« Code postal »)" or a property name
    field: str = ""  # French label of our field
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self, unit: str = "ligne") -> str:
        parts = []
        if self.line is not None:
            parts.append(f"{unit} {self.line}")
        if self.column:
            parts.append(_("colonne %(column)s") % {"column": self.column})
        if self.field:
            parts.append(_("champ « %(field)s »") % {"field": self.field})
        return ", ".join(parts)

    def text(self, unit: str = "ligne") -> str:
        where = self.where(unit)
        return f"{where} : {self.message}" if where else self.message


@dataclass
class RowReport:
    line: int
    action: str = CREATE
    title: str = ""
    commune: str = ""
    slug: str = ""  # the existing initiative (update, unchanged, duplicate)
    changes: list[str] = field(default_factory=list)  # labels of the fields that change
    placed: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def action_label(self, committed: bool = False) -> str:
        return str((DONE_LABELS if committed else ACTION_LABELS)[self.action])


@dataclass
class ImportReport:
    filename: str = ""
    format: str = ""
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    unit: str = "ligne"
    header_line: int | None = None
    columns: list[dict[str, Any]] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)
    dry_run: bool = False
    skip_invalid: bool = False
    committed: bool = False

    # --- counts and lists -------------------------------------------------------------

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ACTION_LABELS}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.file_problems if p.is_error] + [
            p for row in self.rows for p in row.errors
        ]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.file_problems if not p.is_error] + [
            p for row in self.rows for p in row.warnings
        ]

    @property
    def has_file_errors(self) -> bool:
        return any(p.is_error for p in self.file_problems)

    @property
    def can_commit(self) -> bool:
        """Whether a confirmation would write something."""
        if self.has_file_errors:
            return False
        if self.count(INVALID) and not self.skip_invalid:
            return False
        return bool(self.count(CREATE) or self.count(UPDATE) or self.count(DEFERRED))

    @property
    def unplaced(self) -> list[RowReport]:
        return [r for r in self.rows if r.action in {CREATE, UPDATE} and not r.placed]

    def summary(self) -> str:
        counts = self.counts
        parts = [
            ngettext("%(n)s initiative créée", "%(n)s initiatives créées", counts[CREATE])
            % {"n": counts[CREATE]}
            if self.committed
            else ngettext("%(n)s initiative à créer", "%(n)s initiatives à créer", counts[CREATE])
            % {"n": counts[CREATE]},
            (
                ngettext("%(n)s mise à jour", "%(n)s mises à jour", counts[UPDATE])
                if self.committed
                else ngettext("%(n)s à mettre à jour", "%(n)s à mettre à jour", counts[UPDATE])
            )
            % {"n": counts[UPDATE]},
            ngettext("%(n)s inchangée", "%(n)s inchangées", counts[UNCHANGED])
            % {"n": counts[UNCHANGED]},
        ]
        if counts[DUPLICATE]:
            parts.append(
                ngettext("%(n)s doublon écarté", "%(n)s doublons écartés", counts[DUPLICATE])
                % {"n": counts[DUPLICATE]}
            )
        if counts[DEFERRED]:
            parts.append(
                ngettext(
                    "%(n)s ligne gardée pour être placée plus tard",
                    "%(n)s lignes gardées pour être placées plus tard",
                    counts[DEFERRED],
                )
                % {"n": counts[DEFERRED]}
            )
        if counts[INVALID]:
            parts.append(
                ngettext("%(n)s ligne en erreur", "%(n)s lignes en erreur", counts[INVALID])
                % {"n": counts[INVALID]}
            )
        text = ", ".join(parts) + "."
        if self.committed:
            return text
        if self.has_file_errors or (counts[INVALID] and not self.skip_invalid):
            return text + " " + _("Rien n'a été importé : corrigez les erreurs ci-dessous.")
        if self.dry_run:
            return text + " " + _("Simulation : rien n'a été enregistré.")
        return text

    # --- storage ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        data = dict(data)
        data["file_problems"] = [Problem(**p) for p in data.get("file_problems", [])]
        data["rows"] = [
            RowReport(**{**r, "problems": [Problem(**p) for p in r.get("problems", [])]})
            for r in data.get("rows", [])
        ]
        return cls(**data)
