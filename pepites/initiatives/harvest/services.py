"""Harvesting a source and deciding on its differences.

`harvest_source` fetches (conditional GET), and when the content changed runs it through
the importer as a dry run: the rows to create are new, to update changed, and the
initiatives the source brought before but no longer lists have disappeared. Unless the
centre chose to always accept, the content waits (`pending_content`) for `accept_pending`
or `reject_pending`: nothing is written without a decision. A source that fails
HARVEST_MAX_FAILURES times in a row is disabled, and says why.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.initiatives.harvest.fetch import FetchError, fetch
from pepites.initiatives.harvest.models import HarvestSource, HarvestState, SourceKind
from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.imports.mapping import parse_explicit_mapping
from pepites.initiatives.imports.report import (
    CREATE,
    DUPLICATE,
    INVALID,
    UNCHANGED,
    UPDATE,
    ImportReport,
)
from pepites.initiatives.models import Initiative

NOT_MODIFIED, UNCHANGED_CONTENT, NO_DIFFERENCE, PENDING, ACCEPTED, FAILED = (
    "not_modified",
    "unchanged",
    "no_difference",
    "pending",
    "accepted",
    "failed",
)


def _filename(source: HarvestSource) -> str:
    if source.kind == SourceKind.UMAP:
        return "calque-umap.geojson"
    if source.kind == SourceKind.GOGOCARTO:
        return "gogocarto.json"
    path = urlsplit(source.url).path.lower()
    return "tableur.xlsx" if path.endswith(".xlsx") else "tableur.csv"


def _options(source: HarvestSource, *, dry_run: bool, user=None) -> ImportOptions:
    return ImportOptions(
        filename=_filename(source),
        centre_slug=source.centre.slug,
        mapping=parse_explicit_mapping(source.mapping) if source.mapping else None,
        default_theme=source.default_theme,
        status=source.status,
        skip_invalid=True,
        dry_run=dry_run,
        user=user if user is not None else source.created_by,
    )


def _diff(source: HarvestSource, report: ImportReport) -> dict:
    seen = {r.slug for r in report.rows if r.action in {UPDATE, UNCHANGED, DUPLICATE} and r.slug}
    gone = [slug for slug in source.known_slugs if slug not in seen]
    titles = dict(Initiative.objects.filter(slug__in=gone).values_list("slug", "title"))
    return {
        "new": [r.title for r in report.rows if r.action == CREATE],
        "changed": [
            {"title": r.title, "slug": r.slug, "changes": r.changes}
            for r in report.rows
            if r.action == UPDATE
        ],
        "disappeared": [{"slug": s, "title": titles[s]} for s in gone if s in titles],
        "invalid": [
            {"line": r.line, "title": r.title, "problem": r.errors[0].text() if r.errors else ""}
            for r in report.rows
            if r.action == INVALID
        ],
    }


def _fail(source: HarvestSource, message: str) -> str:
    source.failures += 1
    source.last_error = message[:300]
    source.last_fetched_at = timezone.now()
    disabled = source.failures >= settings.HARVEST_MAX_FAILURES
    source.state = HarvestState.DISABLED if disabled else HarvestState.FAILING
    source.save()
    return FAILED


def harvest_source(*, source: HarvestSource, client: httpx.Client | None = None) -> str:
    """Fetch the source and put its differences in the workspace (or accept them)."""
    try:
        fetched = fetch(
            url=source.url, etag=source.etag, last_modified=source.last_modified, client=client
        )
    except FetchError as exc:
        return _fail(source, str(exc))
    source.last_fetched_at = timezone.now()
    source.failures, source.last_error = 0, ""
    if fetched.not_modified:
        if source.state in {HarvestState.FAILING, HarvestState.NEW}:
            source.state = HarvestState.UP_TO_DATE
        source.save()
        return NOT_MODIFIED
    source.etag, source.last_modified = fetched.etag, fetched.last_modified
    digest = hashlib.sha256(fetched.content).hexdigest()
    pending_digest = (
        hashlib.sha256(bytes(source.pending_content)).hexdigest() if source.pending_content else ""
    )
    if digest in {source.content_sha256, pending_digest}:
        if source.state == HarvestState.FAILING:
            source.state = HarvestState.PENDING if pending_digest else HarvestState.UP_TO_DATE
        source.save()
        return UNCHANGED_CONTENT
    report = run_import(fetched.content, _options(source, dry_run=True))
    if report.has_file_errors:
        return _fail(source, "; ".join(p.message for p in report.file_problems if p.is_error))
    diff = _diff(source, report)
    source.last_changed_at = timezone.now()
    if not (diff["new"] or diff["changed"] or diff["disappeared"]):
        source.content_sha256, source.pending_content, source.pending_diff = digest, None, {}
        source.known_slugs = sorted({r.slug for r in report.rows if r.slug})
        source.state = HarvestState.UP_TO_DATE
        source.save()
        return NO_DIFFERENCE
    source.pending_content, source.pending_diff = fetched.content, diff
    source.state = HarvestState.PENDING
    source.save()
    if source.auto_accept:
        return ACCEPTED if accept_pending(source=source) else FAILED
    return PENDING


@transaction.atomic
def accept_pending(*, source: HarvestSource, user=None) -> bool:
    """Import the waiting content (its valid rows); the disappeared stay as they are, for
    the centre to archive if they ended."""
    if not source.pending_content:
        return False
    content = bytes(source.pending_content)
    report = run_import(content, _options(source, dry_run=False, user=user))
    if not report.committed:
        errors = [p.message for p in report.errors][:3]
        source.last_error = ("; ".join(errors) or _("Rien n'a pu être importé."))[:300]
        source.save()
        return False
    source.content_sha256 = hashlib.sha256(content).hexdigest()
    source.known_slugs = sorted({r.slug for r in report.rows if r.slug})
    source.pending_content, source.pending_diff = None, {}
    source.state, source.last_error = HarvestState.UP_TO_DATE, ""
    source.save()
    return True


def reject_pending(*, source: HarvestSource) -> None:
    """Leave the initiatives as they are; the same content is not proposed again."""
    if source.pending_content:
        source.content_sha256 = hashlib.sha256(bytes(source.pending_content)).hexdigest()
    source.pending_content, source.pending_diff = None, {}
    source.state = HarvestState.UP_TO_DATE
    source.save()


def always_accept(*, source: HarvestSource, user=None) -> bool:
    source.auto_accept = True
    source.save(update_fields=["auto_accept"])
    return accept_pending(source=source, user=user)


def re_enable(*, source: HarvestSource) -> None:
    source.failures, source.state = 0, HarvestState.NEW
    source.save(update_fields=["failures", "state"])


def harvest_due_sources(*, client: httpx.Client | None = None) -> dict[str, int]:
    """The periodic job: every enabled source whose interval has passed."""
    counts: dict[str, int] = {}
    now = timezone.now()
    for source in (
        HarvestSource.objects.exclude(state=HarvestState.DISABLED)
        .filter(
            Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - timedelta(minutes=5))
        )
        .select_related("centre", "created_by")
    ):
        if source.last_fetched_at and source.last_fetched_at > now - timedelta(
            hours=source.every_hours
        ):
            continue
        outcome = harvest_source(source=source, client=client)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def create_source(*, centre, name: str, kind: str, url: str, user=None, **fields) -> HarvestSource:
    source = HarvestSource(centre=centre, name=name, kind=kind, url=url, created_by=user, **fields)
    source.full_clean()
    source.save()
    return source
