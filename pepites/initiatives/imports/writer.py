"""Writing the checked rows: every creation and update of an import in one transaction.

The new initiatives are written in batches, with the same steps and the same stored result
as `services.create_initiative` row by row (text cleaned, slug chosen, publication dated,
the instance validated against the model, themes, links, a first version in the history)
but in a few queries per batch instead of about forty per row. The updates go through
`services.update_initiative` one by one. What derives from the written initiatives (their
placement against the QPV, the search index, the version of the map's data) is computed
once for all of them at the end, inside the same transaction: an import is written whole or
not at all, and a row in error names its line, column and field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.core.errors import ConflictError
from pepites.core.richtext import clean_markdown
from pepites.initiatives import mapdata
from pepites.initiatives.field_groups import RICH_TEXT_FIELDS
from pepites.initiatives.history import record_versions
from pepites.initiatives.imports.fields import FIELDS_BY_KEY
from pepites.initiatives.imports.porteurs import link_imported_porteurs
from pepites.initiatives.imports.report import CREATE, INVALID, UPDATE, ImportReport
from pepites.initiatives.imports.rows import MODEL_TO_KEY, Row, RowContext, chunks, progress
from pepites.initiatives.models import Initiative, InitiativeLink, InitiativeStatus, Theme
from pepites.initiatives.placement.services import place_initiatives
from pepites.initiatives.search_documents import index_initiatives
from pepites.initiatives.services import (
    EDITABLE_FIELDS,
    SLUG_ATTEMPTS,
    unique_slugs,
    update_initiative,
)
from pepites.network.models import Centre
from pepites.territories.models import Commune

BATCH = 500
# Not validated field by field (each check would be a query per row): the references
# exist (read again below, one query each per batch); the slug, made by slugify, is chosen
# free once the rows are valid; the uid is new. The model's check constraints (latitude
# and longitude ranges) are its fields' validators too, which do run.
NOT_CLEANED = ["commune", "principal_theme", "centre", "slug"]


class _Abort(Exception):
    """Raised inside the transaction to undo every write of the import."""


def write_rows(rows: list[Row], ctx: RowContext, report: ImportReport) -> None:
    options = ctx.options
    reason = _("Import du fichier « %(name)s »") % {"name": options.filename or "?"}
    creates = [r for r in rows if r.report.action == CREATE]
    updates = [r for r in rows if r.report.action == UPDATE]
    try:
        with transaction.atomic():
            total = len(creates) + len(updates)
            written = _create(creates, ctx, reason, total=total)
            written += _update(updates, ctx, reason, done=len(creates), total=total)
            if written:
                # Derived data, once for every row: row by row, placing alone could take a
                # third of a second per initiative (each point read the outlines near it).
                place_initiatives(initiative_ids=written)
                index_initiatives(ids=written)
                mapdata.data_changed()
            link_imported_porteurs(rows, written)
    except _Abort:
        report.committed = False
        return
    report.committed = True


def _fail(row: Row, exc: ValidationError | ConflictError, ctx: RowContext) -> None:
    """Report a row that cannot be written, at its line, column and field; without
    `skip_invalid`, undo the whole import."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            key = MODEL_TO_KEY.get(name, name)
            for message in messages:
                if key in FIELDS_BY_KEY:
                    ctx.problem(row, key, message)
                else:
                    ctx.problem(row, "", message, label=name)
    else:
        ctx.problem(row, "", exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    row.report.action = INVALID
    if not ctx.options.skip_invalid:
        raise _Abort from exc


# --- Creations ----------------------------------------------------------------------------------


class _References:
    """The communes, themes and centres the rows name, read again inside the transaction
    (one query each per batch): one deleted since the check is reported, not written."""

    def __init__(self, rows: list[Row]) -> None:
        self.communes: set[str] = set()
        for chunk in chunks(sorted({r.commune.code for r in rows})):
            self.communes |= set(
                Commune.objects.filter(code__in=chunk).values_list("pk", flat=True)
            )
        slugs = {slug for r in rows for slug in r.themes}
        self.themes = {t.slug: t for t in Theme.objects.filter(slug__in=slugs)}
        centre_ids = {r.centre.pk for r in rows if r.centre is not None}
        self.centres = {c.pk: c for c in Centre.objects.filter(pk__in=centre_ids)}

    def check(self, row: Row) -> None:
        if row.commune.code not in self.communes:
            raise ValidationError(
                {
                    "commune": _("La commune %(code)s est inconnue du Code officiel géographique.")
                    % {"code": row.commune.code}
                }
            )
        unknown = [slug for slug in row.themes if slug not in self.themes]
        if unknown:
            raise ValidationError(
                {"themes": _("Thématique inconnue : %(slugs)s.") % {"slugs": ", ".join(unknown)}}
            )
        if row.centre is not None and row.centre.pk not in self.centres:
            raise ValidationError(
                {"centre": _("Centre « %(slug)s » inconnu.") % {"slug": row.centre.slug}}
            )


def _new_initiative(row: Row, refs: _References, status: str) -> Initiative:
    """The instance `create_initiative` would save for this row, validated."""
    fields = {
        k: v
        for k, v in row.fields.items()
        if k not in {"title", "summary", "porteur_name", "status"}
    }
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown initiative fields: {sorted(unknown)}")
    initiative = Initiative(
        title=row.values["title"],
        summary=row.fields["summary"],
        porteur_name=row.fields["porteur_name"],
        commune_id=row.commune.code,
        principal_theme=refs.themes[row.principal_theme],
        centre=refs.centres[row.centre.pk] if row.centre is not None else None,
        source_ref=row.source_ref,
        status=row.fields.get("status", status),
        **fields,
    )
    for name in RICH_TEXT_FIELDS:
        setattr(initiative, name, clean_markdown(getattr(initiative, name)))
    if initiative.status == InitiativeStatus.PUBLISHED:
        initiative.published_at = timezone.now()
    initiative.full_clean(exclude=NOT_CLEANED, validate_unique=False, validate_constraints=False)
    return initiative


def _new_links(row: Row) -> list[InitiativeLink]:
    links = []
    for position, (url, label) in enumerate(row.links):
        link = InitiativeLink(url=url, label=label, position=position)
        link.full_clean(exclude=["initiative"])
        links.append(link)
    return links


def _create(rows: list[Row], ctx: RowContext, reason: str, *, total: int) -> list[int]:
    options = ctx.options
    created: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        refs = _References(batch)
        ready: list[tuple[Row, Initiative, list[InitiativeLink]]] = []
        for row in batch:
            try:
                refs.check(row)
                ready.append((row, _new_initiative(row, refs, options.status), _new_links(row)))
            except ValidationError as exc:
                _fail(row, exc, ctx)
        initiatives = [initiative for _row, initiative, _links in ready]
        _insert(initiatives)
        through = Initiative.themes.through
        theme_links, links = [], []
        for row, initiative, row_links in ready:
            row.report.slug = initiative.slug
            themes = sorted({refs.themes[slug].pk for slug in (row.principal_theme, *row.themes)})
            theme_links += [through(initiative_id=initiative.pk, theme_id=pk) for pk in themes]
            for link in row_links:
                link.initiative = initiative
            links += row_links
        through.objects.bulk_create(theme_links, batch_size=BATCH)
        InitiativeLink.objects.bulk_create(links, batch_size=BATCH)
        record_versions(initiatives, created=True, user=options.user, reason=reason)
        created += [initiative.pk for initiative in initiatives]
        progress(options, "write", start + len(batch), total)
    return created


def _insert(initiatives: list[Initiative]) -> None:
    """Insert under the slugs `unique_slug` would choose one row after the other, or the
    next free ones when another transaction took one meanwhile (PostgreSQL; SQLite's
    immediate transactions cannot race)."""
    for initiative, slug in zip(
        initiatives, unique_slugs(titles=[i.title for i in initiatives]), strict=True
    ):
        initiative.slug = slug
    for attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                Initiative.objects.bulk_create(initiatives, batch_size=BATCH)
            return
        except IntegrityError:
            slugs = [initiative.slug for initiative in initiatives]
            taken = Initiative.objects.filter(slug__in=slugs).exists()
            if not taken or attempt == SLUG_ATTEMPTS - 1:
                raise
            for initiative, slug in zip(
                initiatives, unique_slugs(titles=[i.title for i in initiatives]), strict=True
            ):
                initiative.slug = slug


# --- Updates ------------------------------------------------------------------------------------


def _update(rows: list[Row], ctx: RowContext, reason: str, *, done: int, total: int) -> list[int]:
    options = ctx.options
    updated: list[int] = []
    targets = {}
    for chunk in chunks([row.target.pk for row in rows]):
        targets.update(Initiative.objects.in_bulk(chunk))
    for number, row in enumerate(rows, start=done + 1):
        savepoint = transaction.savepoint() if options.skip_invalid else None
        try:
            target = targets.get(row.target.pk)
            if target is None:
                raise ValidationError(_("L'initiative a été supprimée entre-temps."))
            update_initiative(
                initiative=target,
                expected_version=row.target.version,
                history_user=options.user,
                history_reason=reason,
                refresh_derived=False,
                **row.update,
            )
        except (ValidationError, ConflictError) as exc:
            if savepoint is not None:
                transaction.savepoint_rollback(savepoint)
            _fail(row, exc, ctx)
        else:
            if savepoint is not None:
                transaction.savepoint_commit(savepoint)
            updated.append(target.pk)
        if number % 50 == 0 or number == total:
            progress(options, "write", number, total)
    return updated
