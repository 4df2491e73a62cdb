"""Writing an initiative's yearly figures: checked by field (French messages), one row per
initiative and year, upserted."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.core.dataversion import changes_public_data
from pepites.core.validators import validate_no_bidi_controls
from pepites.initiatives.figures.models import FiguresSource, InitiativeFigures
from pepites.initiatives.models import Initiative

# The figures, in the order every page, file and form shows them.
FIGURE_FIELDS = ("people_reached", "qpv_residents", "jobs", "activities_created", "budget")
VALUE_FIELDS = (*FIGURE_FIELDS, "comment")
MAX_COUNT = 100_000_000
MAX_BUDGET = 100_000_000_000
COMMENT_MAX_LENGTH = 1000


def _number(value: Any, *, name: str, maximum: int) -> int | None:
    """A whole number ≥ 0 from a form, an API or a spreadsheet cell ("1 200", 1200.0)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError({name: _("Un nombre entier est attendu.")})
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError({name: _("Un nombre entier est attendu, sans décimales.")})
        value = int(value)
    if isinstance(value, str):
        text = "".join(value.split()).replace("\u202f", "")
        if not text.isdigit():
            raise ValidationError(
                {name: _("« %(value)s » n'est pas un nombre entier positif.") % {"value": value}}
            )
        value = int(text)
    if not isinstance(value, int) or value < 0:
        raise ValidationError({name: _("Un nombre entier positif ou nul est attendu.")})
    if value > maximum:
        raise ValidationError({name: _("Ce nombre dépasse %(max)s.") % {"max": f"{maximum:,}"}})
    return value


def clean_year(value: Any) -> int:
    last = timezone.localdate().year + 1
    try:
        year = _number(value, name="year", maximum=2100)
    except ValidationError:
        year = None
    if year is None or not 1900 <= year <= last:
        raise ValidationError(
            {"year": _("Indiquez une année entre 1900 et %(last)s.") % {"last": last}}
        )
    return year


def clean_figures(values: dict[str, Any]) -> dict[str, Any]:
    """The figures of one year, checked; ValidationError names each wrong field."""
    unknown = set(values) - set(VALUE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown figures: {sorted(unknown)}")
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in FIGURE_FIELDS:
        maximum = MAX_BUDGET if name == "budget" else MAX_COUNT
        try:
            cleaned[name] = _number(values.get(name), name=name, maximum=maximum)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    comment = " ".join(str(values.get("comment") or "").split())
    try:
        validate_no_bidi_controls(comment)
    except ValidationError as exc:
        errors["comment"] = exc.messages
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = [
            _("%(limit)s caractères au plus (%(length)s saisis).")
            % {"limit": COMMENT_MAX_LENGTH, "length": len(comment)}
        ]
    cleaned["comment"] = comment
    people, residents = cleaned.get("people_reached"), cleaned.get("qpv_residents")
    if people is not None and residents is not None and residents > people:
        errors.setdefault("qpv_residents", []).append(
            _("Les habitants des QPV font partie des personnes touchées : pas plus qu'elles.")
        )
    if not errors and all(cleaned[name] is None for name in FIGURE_FIELDS) and not comment:
        errors["__all__"] = [_("Renseignez au moins un chiffre ou un commentaire.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
@changes_public_data
def set_figures(
    *,
    initiative: Initiative,
    year: Any,
    values: dict[str, Any],
    user: Any = None,
    source: str = FiguresSource.CENTRE,
) -> InitiativeFigures:
    """Create or replace the figures of `initiative` for `year` (all fields at once)."""
    year = clean_year(year)
    cleaned = clean_figures(values)
    figures, _created = InitiativeFigures.objects.update_or_create(
        initiative=initiative,
        year=year,
        defaults={
            **cleaned,
            "source": source,
            "updated_by": user if user is not None and user.is_authenticated else None,
        },
    )
    return figures


@transaction.atomic
@changes_public_data
def delete_figures(*, initiative: Initiative, year: int) -> bool:
    deleted, _rows = InitiativeFigures.objects.filter(initiative=initiative, year=year).delete()
    return bool(deleted)
