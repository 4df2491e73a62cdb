"""Errors that carry where the problem is, so every interface can tell the user precisely."""

from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """A file could not be read or holds invalid data: nothing was written."""

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        line: int | None = None,
        column: int | str | None = None,
        field: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.field = field

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(_("fichier %(path)s") % {"path": self.path})
        if self.line is not None:
            where.append(_("ligne %(line)s") % {"line": self.line})
        if self.column is not None:
            where.append(_("colonne %(column)s") % {"column": self.column})
        if self.field:
            where.append(_("champ « %(field)s »") % {"field": self.field})
        return f"{', '.join(where)} : {self.message}" if where else self.message


class ConflictError(Exception):
    """Someone else saved the object since it was read (optimistic locking)."""

    def __init__(self, *, expected_version: int, current_version: int | None) -> None:
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            _(
                "Cette fiche a été modifiée par quelqu'un d'autre pendant que vous la modifiiez "
                "(version %(expected)s attendue, version %(current)s enregistrée). "
                "Vos modifications n'ont pas été enregistrées : rechargez la fiche et reportez-les."
            )
            % {"expected": expected_version, "current": current_version}
        )
