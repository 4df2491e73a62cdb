"""Writing the updates of an import in batches: what `services.update_initiative` does row
by row (commune and themes resolved, text cleaned, publication dated, the instance validated,
the optimistic lock compared, the version moved forward, a version in the history, the
audit of a change of state), in a few queries per batch of rows instead of about twenty per
row. Every row of a batch is checked before anything of it is written, so a row in error
is reported (and, without `skip_invalid`, the whole import undone by the caller) and no
savepoint is needed.

Per batch of 500 rows: the versions read again under lock, the themes, the communes, one
UPDATE run for every row, the themes rewritten, the versions of the history copied by the
database (history.record_versions): a dozen queries, whatever the rows change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.core.errors import ConflictError
from pepites.core.richtext import clean_markdown
from pepites.initiatives.field_groups import RICH_TEXT_FIELDS
from pepites.initiatives.history import record_versions
from pepites.initiatives.imports.rows import Row, RowContext, chunks, progress
from pepites.initiatives.models import Initiative, InitiativeStatus, Theme
from pepites.initiatives.services import (
    EDITABLE_FIELDS,
    _audit_status,
    check_contact_consent,
    check_principal_theme,
)
from pepites.territories.models import Commune

BATCH = 500
# Checked once per batch below (the references) or left as they are (slug and uid do not
# change by import): the model's other validators run for each row.
# The organisation is set by initiatives/porteurs.py, not by the file.
NOT_CLEANED = ["commune", "principal_theme", "centre", "organisation", "slug", "uid"]
# Not validated by `rows.check_model`, which the rows of an update have passed.
VALIDATED_AGAIN = {"version", "qpv_relation"}
FIELD_NAMES = [field.name for field in Initiative._meta.fields]
# Always written: what every save changes.
ALWAYS = {"version", "updated_at", "published_at", *RICH_TEXT_FIELDS}

PLAIN_TYPES = {
    "CharField",
    "TextField",
    "EmailField",
    "URLField",
    "SlugField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "BigIntegerField",
}
# What the QPV placement reads: an update that changes none of them keeps its placement.
PLACE_FIELDS = {"latitude", "longitude", "commune_code"}
Fail = Callable[[Row, Exception], None]


class _Batch:
    """The versions of a batch's initiatives read again inside the transaction (their rows
    locked on PostgreSQL until the commit), their themes, and the communes the rows name.

    An initiative whose version has not moved since the rows were checked is the one read
    then (`row.target`): it is changed and saved without being read whole again."""

    def __init__(self, rows: list[Row], themes: dict[str, Theme]) -> None:
        pks = [row.target.pk for row in rows]
        query = Initiative.objects.filter(pk__in=pks)
        if connection.features.has_select_for_update:
            query = query.select_for_update(of=("self",))
        self.versions: dict[int, int] = dict(query.values_list("pk", "version"))
        self.themes_of: dict[int, list[int]] = {pk: [] for pk in pks}
        through = Initiative.themes.through
        for initiative_id, theme_id in through.objects.filter(initiative_id__in=pks).values_list(
            "initiative_id", "theme_id"
        ):
            self.themes_of[initiative_id].append(theme_id)
        codes = {row.update["commune_code"] for row in rows if "commune_code" in row.update}
        self.communes = set(Commune.objects.filter(code__in=codes).values_list("pk", flat=True))
        self.themes = themes
        self.theme_slugs = {theme.pk: slug for slug, theme in themes.items()}


def _apply(row: Row, target: Initiative, batch: _Batch) -> list[int] | None:
    """Change `target` as update_initiative would; the new theme ids, or None if unchanged."""
    update: dict[str, Any] = dict(row.update)
    commune_code = update.pop("commune_code", None)
    theme_slugs = update.pop("theme_slugs", None)
    principal_slug = update.pop("principal_theme_slug", None)
    unknown = set(update) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown initiative fields: {sorted(unknown)}")
    if commune_code is not None:
        if commune_code not in batch.communes:
            raise ValidationError(
                {
                    "commune": _("La commune %(code)s est inconnue du Code officiel géographique.")
                    % {"code": commune_code}
                }
            )
        target.commune_id = commune_code
    for name, value in update.items():
        setattr(target, name, value)
    theme_ids = None
    if theme_slugs is not None or principal_slug is not None:
        current = [batch.theme_slugs.get(pk, "") for pk in batch.themes_of[target.pk]]
        slugs = list(dict.fromkeys(theme_slugs if theme_slugs is not None else current))
        if not slugs:
            raise ValidationError({"themes": _("Choisissez au moins une thématique.")})
        principal_now = batch.theme_slugs.get(target.principal_theme_id)
        if principal_slug is None and principal_now in slugs:
            principal_slug = principal_now
        named = [*slugs, principal_slug] if principal_slug else slugs
        missing = list(dict.fromkeys(s for s in named if s not in batch.themes))
        if missing:
            raise ValidationError(
                {"themes": _("Thématique inconnue : %(slugs)s.") % {"slugs": ", ".join(missing)}}
            )
        check_principal_theme(principal_theme=principal_slug, themes=slugs)
        target.principal_theme_id = batch.themes[principal_slug or slugs[0]].pk
        theme_ids = [batch.themes[slug].pk for slug in slugs]
    # Validated as update_initiative does; but what `rows.check_model` validated already on
    # the very same values (every row here passed it) is not validated twice.
    revalidated = set(VALIDATED_AGAIN)
    for name in RICH_TEXT_FIELDS:
        cleaned = clean_markdown(getattr(target, name))
        if cleaned != getattr(target, name):
            setattr(target, name, cleaned)
            revalidated.add(name)
    if target.status == InitiativeStatus.PUBLISHED and target.published_at is None:
        target.published_at = timezone.now()
        revalidated.add("published_at")
    exclude = [name for name in FIELD_NAMES if name not in revalidated]
    errors: dict = {}
    for check in (
        lambda: target.full_clean(
            exclude=exclude, validate_unique=False, validate_constraints=False
        ),
        lambda: check_contact_consent(
            contact_name=target.contact_name,
            contact_email=target.contact_email,
            contact_phone=target.contact_phone,
            consent=target.contact_consent,
        ),
    ):
        try:
            check()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    return theme_ids


def _changed_fields(rows: list[Row]) -> set[str]:
    names = set(ALWAYS)
    for row in rows:
        for key in row.update:
            if key == "commune_code":
                names.add("commune")
            elif key in ("theme_slugs", "principal_theme_slug"):
                names.add("principal_theme")
            else:
                names.add(key)
    return names


def write_updates(
    rows: list[Row], ctx: RowContext, reason: str, *, done: int, total: int, fail: Fail
) -> tuple[list[int], list[int]]:
    """Write the updates; the ids written, and those of them whose place changed (to be
    placed against the QPV again). `fail(row, exc)` reports a row in error (and raises to
    undo the import unless `skip_invalid`)."""
    options = ctx.options
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    updated: list[int] = []
    moved: list[int] = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        batch = _Batch(chunk, themes)
        ready: list[tuple[Row, Initiative, str, list[int] | None]] = []
        now = timezone.now()
        for row in chunk:
            target = row.target
            version = batch.versions.get(target.pk)
            try:
                if version is None:
                    raise ValidationError(_("L'initiative a été supprimée entre-temps."))
                if version != target.version:
                    raise ConflictError(expected_version=target.version, current_version=version)
                status_before = target.status
                theme_ids = _apply(row, target, batch)
            except (ValidationError, ConflictError) as exc:
                fail(row, exc)
                continue
            target.version += 1
            target.updated_at = now
            ready.append((row, target, status_before, theme_ids))
        initiatives = [target for _row, target, _before, _themes in ready]
        if not initiatives:
            continue
        _save_many(initiatives, sorted(_changed_fields([r for r, *_ in ready])))
        _write_themes([(target.pk, ids) for _r, target, _b, ids in ready if ids is not None])
        record_versions(initiatives, user=options.user, reason=reason)
        for _row, target, before, _themes in ready:
            _audit_status(target, before=before, user=options.user)
        updated += [target.pk for target in initiatives]
        moved += [
            target.pk
            for row, target, *_ in ready
            if PLACE_FIELDS & set(row.update) or target.qpv_placed_at is None
        ]
        progress(options, "write", done + start + len(chunk), total)
    return updated, moved


def _save_many(initiatives: list[Initiative], names: list[str]) -> None:
    """One UPDATE statement run for every row (executemany): Django's bulk_update builds a
    CASE WHEN per field and row, which costs more than the rest of the import together."""
    fields = [Initiative._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(Initiative._meta.db_table)} SET {assignments} "
        f"WHERE {quote(Initiative._meta.pk.column)} = %s"
    )
    # Text and integers go to the database as they are (what get_db_prep_save returns for
    # them, at a fraction of its cost); the other values through their field.
    plain = [field.get_internal_type() in PLAIN_TYPES for field in fields]
    params = [
        [
            value
            if is_plain and (value is None or type(value) in (str, int))
            else field.get_db_prep_save(value, connection)
            for field, is_plain, value in zip(
                fields,
                plain,
                [getattr(initiative, field.attname) for field in fields],
                strict=True,
            )
        ]
        + [initiative.pk]
        for initiative in initiatives
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write_themes(changes: list[tuple[int, list[int]]]) -> None:
    """`initiative.themes.set(ids)` for many initiatives: one DELETE and one INSERT."""
    if not changes:
        return
    through = Initiative.themes.through
    for part in chunks(changes):
        through.objects.filter(initiative_id__in=[pk for pk, _ids in part]).delete()
        through.objects.bulk_create(
            [through(initiative_id=pk, theme_id=theme) for pk, ids in part for theme in ids],
            batch_size=BATCH,
        )
