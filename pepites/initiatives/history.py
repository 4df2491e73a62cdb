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
    each with its themes, in a few queries instead of three per initiative."""
    if not initiatives:
        return
    model = type(initiatives[0])
    recorder = model.history_recorder
    historical_model = model.history.model  # (the descriptor builds a manager at each use)
    history_type = "+" if created else "~"
    records = []
    for initiative in initiatives:
        if user is not None and user.is_authenticated:
            initiative._history_user = user
        if reason:
            initiative._change_reason = reason[:100]
        try:
            records.append(
                historical_model(
                    history_date=timezone.now(),
                    history_type=history_type,
                    history_user=recorder.get_history_user(initiative),
                    history_change_reason=recorder.get_change_reason_for_object(
                        initiative, history_type, None
                    ),
                    **{
                        field.attname: getattr(initiative, field.attname)
                        for field in recorder.fields_included(initiative)
                    },
                )
            )
        finally:
            initiative.__dict__.pop("_history_user", None)
            initiative.__dict__.pop("_change_reason", None)
    historical_model.objects.bulk_create(records, batch_size=BULK_BATCH)
    # The themes of each version, copied from the rows of the many-to-many table as
    # simple-history does (create_historical_record_m2ms), read in one query per batch.
    record_of = {record.id: record for record in records}
    ids = list(record_of)
    for field, m2m_model in recorder.m2m_models.items():
        if field.model is not model:  # the recorder's dict holds other models' fields too
            continue
        through = getattr(model, field.name).through
        owner = next(f.attname for f in through._meta.fields if f.related_model is model)
        names = [f.attname for f in through._meta.fields]
        rows = []
        for start in range(0, len(ids), BULK_BATCH):
            chunk = ids[start : start + BULK_BATCH]
            rows_of_chunk = (
                through.objects.filter(**{f"{owner}__in": chunk}).order_by("pk").values(*names)
            )
            for values in rows_of_chunk:
                rows.append(m2m_model(history=record_of[values[owner]], **values))
        m2m_model.objects.bulk_create(rows, batch_size=BULK_BATCH)


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
