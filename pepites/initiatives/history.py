"""The history of initiatives (django-simple-history), recorded by the services.

A version is recorded once an initiative *and its themes* are written, by
`record_version`, never by a signal: one save of a form gives one version, with the themes
it had, the person who made it (from the request, through simple-history's middleware, or
given) and why (a restore, an accepted proposal…).
"""

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pepites.initiatives.field_groups import CASE_STUDY_FIELDS, PORTEUR_FIELDS
from pepites.initiatives.models import Initiative, Theme
from pepites.network.models import Centre
from pepites.territories.models import Commune

BULK_BATCH = 500


def record_version(
    initiative,
    *,
    created: bool = False,
    user: AbstractBaseUser | AnonymousUser | None = None,
    reason: str = "",
) -> None:
    if user is not None and user.is_authenticated:
        initiative._history_user = user
    if reason:
        initiative._change_reason = reason[:100]
    try:
        type(initiative).history_recorder.create_historical_record(
            initiative, "+" if created else "~"
        )
    finally:
        initiative.__dict__.pop("_history_user", None)
        initiative.__dict__.pop("_change_reason", None)


def record_versions(
    initiatives: list,
    *,
    created: bool = False,
    user: AbstractBaseUser | None = None,
    reason: str = "",
) -> None:
    """`record_version` for many initiatives at once (the file import): the same versions,
    each with its themes, in two queries per batch instead of three per initiative.

    The initiatives must be saved: each version is copied from its stored row by the
    database (INSERT … SELECT), its themes likewise, without building a Python object per
    version (that cost more than the rest of an import of updates)."""
    if not initiatives:
        return
    model = type(initiatives[0])
    recorder = model.history_recorder
    historical = model.history.model  # (the descriptor builds a manager at each use)
    # Who and why, as record_version finds them (given, or the request's user).
    first = initiatives[0]
    if user is not None and user.is_authenticated:
        first._history_user = user
    if reason:
        first._change_reason = reason[:100]
    history_type = "+" if created else "~"
    try:
        history_user = recorder.get_history_user(first)
        change_reason = recorder.get_change_reason_for_object(first, history_type, None)
    finally:
        first.__dict__.pop("_history_user", None)
        first.__dict__.pop("_change_reason", None)
    if not connection.features.can_return_rows_from_bulk_insert:  # SQLite < 3.35
        _record_versions_one_by_one(initiatives, history_type, history_user, change_reason)
        return
    ids = [initiative.pk for initiative in initiatives]
    for start in range(0, len(ids), BULK_BATCH):
        history_ids = _copy_versions(
            first,
            historical,
            ids[start : start + BULK_BATCH],
            [
                timezone.now(),
                history_type,
                history_user.pk if history_user is not None else None,
                change_reason,
            ],
        )
        _copy_m2m_versions(model, recorder, historical, history_ids)


def _copy_versions(first, historical, ids: list[int], extra: list) -> list[int]:
    """Insert a version of each initiative of `ids` copied from its row; their history ids."""
    model = type(first)
    quote = connection.ops.quote_name
    copied = [field.column for field in model.history_recorder.fields_included(first)]
    meta = historical._meta
    extra_fields = ["history_date", "history_type", "history_user", "history_change_reason"]
    params = [
        meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in zip(extra_fields, extra, strict=True)
    ]
    columns = [*copied, *(meta.get_field(name).column for name in extra_fields)]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(quote(c) for c in copied)}, {', '.join(['%s'] * len(params))} "
        f"FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))}) "
        f"ORDER BY {quote(model._meta.pk.column)} "
        f"RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids])
        return [row[0] for row in cursor.fetchall()]


def _copy_m2m_versions(model, recorder, historical, history_ids: list[int]) -> None:
    """The themes of each version, copied from the rows of the many-to-many table as
    simple-history does (create_historical_record_m2ms), in one query."""
    if not history_ids:
        return
    quote = connection.ops.quote_name
    owner_column = quote(historical._meta.get_field("id").column)
    for field, m2m_model in recorder.m2m_models.items():
        if field.model is not model:  # the recorder's dict holds other models' fields too
            continue
        through = getattr(model, field.name).through
        owner = next(f.column for f in through._meta.fields if f.related_model is model)
        columns = [f.column for f in through._meta.fields]
        history_column = m2m_model._meta.get_field("history").column
        sql = (
            f"INSERT INTO {quote(m2m_model._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns)}, {quote(history_column)}) "
            f"SELECT {', '.join('t.' + quote(c) for c in columns)}, h.{quote(historical._meta.pk.column)} "
            f"FROM {quote(through._meta.db_table)} t "
            f"JOIN {quote(historical._meta.db_table)} h ON h.{owner_column} = t.{quote(owner)} "
            f"WHERE h.{quote(historical._meta.pk.column)} IN ({', '.join(['%s'] * len(history_ids))}) "
            f"ORDER BY t.{quote(through._meta.pk.column)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, history_ids)


def _record_versions_one_by_one(
    initiatives: list, history_type: str, history_user, change_reason: str
) -> None:
    for initiative in initiatives:
        if history_user is not None:
            initiative._history_user = history_user
        if change_reason:
            initiative._change_reason = change_reason
        try:
            type(initiative).history_recorder.create_historical_record(initiative, history_type)
        finally:
            initiative.__dict__.pop("_history_user", None)
            initiative.__dict__.pop("_change_reason", None)


# --- Reading the history: versions and readable differences ---------------------------

# Fields shown in a diff, in the order of the edit form; the rest (uid, slug, dates set by
# the services, version) says nothing to a reader.
DIFF_FIELDS = (
    *CASE_STUDY_FIELDS,
    *PORTEUR_FIELDS,
    "principal_theme",
    "themes",
    "start_year",
    "is_running",
    "commune",
    "address",
    "latitude",
    "longitude",
    "location_status",
    "centre",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_consent",
    "status",
    "is_demo",
    "last_checked_at",
)
LONG_TEXT_FIELDS = {
    "summary",
    "context",
    "actions",
    "results",
    "replication",
    "partners",
    "funders",
}


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    old: str
    new: str
    html: SafeString  # the new text with deletions and insertions marked


@dataclass(frozen=True)
class Version:
    record: Any
    number: int
    changes: list[FieldDiff]

    @property
    def changed_labels(self) -> list[str]:
        return [change.label for change in self.changes]


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


def inline_diff(old: str, new: str) -> SafeString:
    """The new text, with what was removed in <del> and what was added in <ins>, word by word."""
    a, b = _tokens(old), _tokens(new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # every piece of text is escaped above


def _initiative_field(name: str):

    return Initiative._meta.get_field(name)


def _display(record, name: str, labels: dict[str, dict]) -> str:
    from django.utils import formats

    if name == "themes":
        ids = labels["record_themes"].get(record.history_id)
        if ids is None:
            ids = sorted(record.themes.values_list("theme_id", flat=True))
        return ", ".join(labels["themes"].get(pk, f"#{pk}") for pk in sorted(ids))
    field = _initiative_field(name)
    if name in ("commune", "principal_theme", "centre"):
        value = getattr(record, field.attname)
        return labels[name].get(value, "" if value is None else str(value))
    value = getattr(record, name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return formats.date_format(timezone.localtime(value), "j F Y H:i")
    return str(value)


def _labels(records: list) -> dict[str, dict]:

    communes = {r.commune_id for r in records}
    # The themes of every version in one query (the historical m2m cannot be prefetched).
    record_themes: dict[int, list[int]] = {r.history_id: [] for r in records}
    if records:
        through = type(records[0]).themes.model
        for history_id, theme_id in through.objects.filter(
            history_id__in=list(record_themes)
        ).values_list("history_id", "theme_id"):
            record_themes[history_id].append(theme_id)
    centres = {r.centre_id for r in records if r.centre_id}
    return {
        "themes": dict(Theme.objects.values_list("pk", "label")),
        "principal_theme": dict(Theme.objects.values_list("pk", "label")),
        "commune": {
            code: f"{name} ({code})"
            for code, name in Commune.objects.filter(code__in=communes).values_list("code", "name")
        },
        "centre": dict(Centre.objects.filter(pk__in=centres).values_list("pk", "name")),
        "record_themes": record_themes,
    }


def diff_records(old, new, *, labels: dict[str, dict] | None = None) -> list[FieldDiff]:
    """What differs between two versions (old may be None: everything is new)."""
    labels = labels or _labels([r for r in (old, new) if r is not None])
    changes = []
    for name in DIFF_FIELDS:
        after = _display(new, name, labels)
        before = _display(old, name, labels) if old is not None else ""
        if before == after:
            continue
        label = str(_initiative_field(name).verbose_name)
        html = inline_diff(before, after) if name in LONG_TEXT_FIELDS else escape(after)
        changes.append(FieldDiff(name=name, label=label, old=before, new=after, html=html))
    return changes


def list_versions(*, initiative) -> list[Version]:
    """Every version, newest first, each with what changed since the one before."""
    records = list(
        initiative.history.select_related("history_user").order_by("history_date", "history_id")
    )
    labels = _labels(records)
    versions = []
    previous = None
    for number, record in enumerate(records, start=1):
        versions.append(
            Version(
                record=record, number=number, changes=diff_records(previous, record, labels=labels)
            )
        )
        previous = record
    return list(reversed(versions))


def get_version(*, initiative, history_id: int) -> tuple[Any, Any] | None:
    """(the version, the one before it or None)."""
    record = initiative.history.filter(history_id=history_id).select_related("history_user").first()
    if record is None:
        return None
    previous = (
        initiative.history.filter(
            Q(history_date__lt=record.history_date)
            | Q(history_date=record.history_date, history_id__lt=record.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
    )
    return record, previous


def changes_since(*, initiative, version: int) -> tuple[list[FieldDiff], list]:
    """What others changed since the editor read `version`: (differences, the versions
    recorded since then, oldest first)."""
    records = list(
        initiative.history.select_related("history_user").order_by("history_date", "history_id")
    )
    base = next((r for r in reversed(records) if r.version == version), None)
    if base is None or not records:
        return [], []
    later = [
        r for r in records if (r.history_date, r.history_id) > (base.history_date, base.history_id)
    ]
    if not later:
        return [], []
    return diff_records(base, later[-1]), later
