"""Writes of the publications domain: composing, ordering, publishing an issue.

Subscribers and their e-mails are in `subscriptions.py`; the PDF in `pdf.py`.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pepites.core.dataversion import bump, changes_public_data
from pepites.core.errors import ConflictError
from pepites.core.richtext import clean_markdown
from pepites.initiatives.models import Initiative, InitiativeStatus, Theme
from pepites.network.models import Centre
from pepites.publications.models import (
    Article,
    FeaturedInitiative,
    Issue,
    IssueStatus,
    Series,
)
from pepites.publications.snapshots import snapshot_initiative

logger = logging.getLogger(__name__)

Direction = Literal["up", "down"]

ISSUE_FIELDS = frozenset(
    {"title", "number", "planned_date", "editorial", "editorial_author", "is_demo"}
)
ARTICLE_FIELDS = frozenset({"title", "author", "body", "image", "image_alt", "image_credit"})


# --- Series and issues ---------------------------------------------------------------------


@transaction.atomic
@changes_public_data
def create_series(
    *,
    title: str,
    slug: str = "",
    tagline: str = "",
    description: str = "",
    is_demo: bool = False,
) -> Series:
    series = Series(
        title=title,
        slug=slug or slugify(title)[:80],
        tagline=tagline,
        description=description,
        is_demo=is_demo,
    )
    series.full_clean()
    series.save()
    return series


def next_issue_number(*, series: Series) -> int:
    return (series.issues.aggregate(n=Max("number"))["n"] or 0) + 1


def _resolve_themes(theme_slugs: Iterable[str]) -> list[Theme]:
    slugs = list(dict.fromkeys(theme_slugs))
    themes = {t.slug: t for t in Theme.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in themes]
    if unknown:
        raise ValidationError(
            {"themes": _("Thématique inconnue : %(slugs)s.") % {"slugs": ", ".join(unknown)}}
        )
    return [themes[s] for s in slugs]


@transaction.atomic
@changes_public_data
def create_issue(
    *,
    series: Series,
    title: str,
    number: int | None = None,
    theme_slugs: Iterable[str] = (),
    planned_date: date | None = None,
    editorial: str = "",
    editorial_author: str = "",
    is_demo: bool = False,
) -> Issue:
    """A new issue in preparation; its number defaults to the series' next one."""
    themes = _resolve_themes(theme_slugs)
    issue = Issue(
        series=series,
        number=number if number is not None else next_issue_number(series=series),
        title=title,
        planned_date=planned_date,
        editorial=clean_markdown(editorial),
        editorial_author=editorial_author,
        is_demo=is_demo,
    )
    issue.full_clean()
    issue.save()
    issue.themes.set(themes)
    return issue


def claim_issue_version(*, issue: Issue, expected_version: int) -> None:
    """Move the version forward if nobody saved since `expected_version` was read.

    Must run inside a transaction: the UPDATE takes the row's write lock.
    """
    claimed = Issue.objects.filter(pk=issue.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = Issue.objects.filter(pk=issue.pk).values_list("version", flat=True).first()
        raise ConflictError(expected_version=expected_version, current_version=current)
    issue.version = expected_version + 1


@transaction.atomic
@changes_public_data
def update_issue(
    *,
    issue: Issue,
    expected_version: int,
    theme_slugs: Iterable[str] | None = None,
    **fields: Any,
) -> Issue:
    """Change the fields of an issue read at `expected_version` (ConflictError otherwise)."""
    unknown = set(fields) - ISSUE_FIELDS
    if unknown:
        raise TypeError(f"Unknown issue fields: {sorted(unknown)}")
    themes = _resolve_themes(theme_slugs) if theme_slugs is not None else None
    claim_issue_version(issue=issue, expected_version=expected_version)
    if "editorial" in fields:
        fields["editorial"] = clean_markdown(fields["editorial"])
    for name, value in fields.items():
        setattr(issue, name, value)
    issue.full_clean()
    issue.save()
    if themes is not None:
        issue.themes.set(themes)
    return issue


@transaction.atomic
@changes_public_data
def set_issue_editors(*, issue: Issue, users: Iterable[Any]) -> None:
    issue.editors.set(list(users))


# --- Articles ------------------------------------------------------------------------------


@transaction.atomic
@changes_public_data
def save_articles(
    *,
    issue: Issue,
    expected_version: int,
    saved: Iterable[tuple[Article, Iterable[Any] | None]] = (),
    deleted: Iterable[int] = (),
) -> None:
    """The articles step of the compose page in one transaction, over the version of the issue
    the editor read (ConflictError otherwise): articles removed, then added or changed (each
    with its centres), then numbered again."""
    claim_issue_version(issue=issue, expected_version=expected_version)
    for article_pk in deleted:
        delete_article(issue=issue, article_pk=article_pk)
    for article, centres in saved:
        article.issue = issue
        save_article(article=article, centres=centres)
    renumber_articles(issue=issue)


@transaction.atomic
@changes_public_data
def add_article(
    *,
    issue: Issue,
    title: str,
    body: str,
    author: str = "",
    centre_slugs: Iterable[str] = (),
    **fields: Any,
) -> Article:
    """Append an article at the end of the issue."""
    unknown = set(fields) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown article fields: {sorted(unknown)}")
    slugs = list(centre_slugs)
    centres = list(Centre.objects.filter(slug__in=slugs))
    if len(centres) != len(set(slugs)):
        found = {c.slug for c in centres}
        raise ValidationError(
            {
                "centres": _("Centre inconnu : %(slugs)s.")
                % {"slugs": ", ".join(s for s in slugs if s not in found)}
            }
        )
    position = (issue.articles.aggregate(p=Max("position"))["p"] or 0) + 1
    article = Article(
        issue=issue,
        title=title,
        body=clean_markdown(body),
        author=author,
        position=position,
        **fields,
    )
    article.full_clean()
    article.save()
    article.centres.set(centres)
    return article


@transaction.atomic
@changes_public_data
def save_article(*, article: Article, centres: Iterable[Centre] | None = None) -> Article:
    """Save an article built or edited by a form; a new one goes at the end of its issue."""
    article.body = clean_markdown(article.body)
    if article.pk is None:
        issue = article.issue
        article.position = (issue.articles.aggregate(p=Max("position"))["p"] or 0) + 1
    article.full_clean()
    article.save()
    if centres is not None:
        article.centres.set(list(centres))
    return article


@transaction.atomic
@changes_public_data
def delete_article(*, issue: Issue, article_pk: int) -> None:
    issue.articles.filter(pk=article_pk).delete()
    _renumber(issue.articles.all())


def _renumber(items: QuerySet) -> list:
    rows = list(items.order_by("position", "pk"))
    for index, row in enumerate(rows, start=1):
        if row.position != index:
            row.position = index
            row.save(update_fields=["position"])
    return rows


def _move(items: QuerySet, pk: int, direction: Direction) -> bool:
    rows = _renumber(items)
    index = next((i for i, row in enumerate(rows) if row.pk == pk), None)
    if index is None:
        raise ValidationError(_("Élément introuvable dans ce numéro."))
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(rows):
        return False  # already first or last
    a, b = rows[index], rows[other]
    a.position, b.position = b.position, a.position
    a.save(update_fields=["position"])
    b.save(update_fields=["position"])
    return True


@transaction.atomic
@changes_public_data
def move_article(*, issue: Issue, article_pk: int, direction: Direction) -> bool:
    """Swap an article with its neighbour; False when it is already at that end."""
    return _move(issue.articles.all(), article_pk, direction)


@transaction.atomic
@changes_public_data
def move_featured(*, issue: Issue, featured_pk: int, direction: Direction) -> bool:
    return _move(issue.featured.all(), featured_pk, direction)


def renumber_articles(*, issue: Issue) -> None:
    """Positions 1..n after articles were added or deleted through a formset."""
    _renumber(issue.articles.all())


# --- Featured initiatives and their snapshot ---------------------------------------------------


@transaction.atomic
@changes_public_data
def add_featured_initiative(*, issue: Issue, initiative: Initiative) -> FeaturedInitiative:
    """Feature a published initiative at the end of the issue (snapshotted at once if the
    issue is already published)."""
    if initiative.status != InitiativeStatus.PUBLISHED:
        raise ValidationError(
            {"initiative": _("Seules les initiatives publiées sur la carte peuvent être à la une.")}
        )
    if issue.featured.filter(initiative=initiative).exists():
        raise ValidationError(
            {
                "initiative": _("« %(title)s » est déjà à la une de ce numéro.")
                % {"title": initiative}
            }
        )
    position = (issue.featured.aggregate(p=Max("position"))["p"] or 0) + 1
    featured = FeaturedInitiative(issue=issue, initiative=initiative, position=position)
    if Issue.objects.filter(pk=issue.pk, status=IssueStatus.PUBLISHED).exists():
        featured.snapshot = snapshot_initiative(initiative)
        featured.snapshot_at = timezone.now()
    featured.save()
    return featured


@transaction.atomic
@changes_public_data
def remove_featured_initiative(*, issue: Issue, featured_pk: int) -> None:
    issue.featured.filter(pk=featured_pk).delete()
    _renumber(issue.featured.all())


def _take_snapshots(issue: Issue, at: datetime) -> None:
    featured = issue.featured.select_related(
        "initiative__commune", "initiative__centre"
    ).prefetch_related("initiative__themes", "initiative__qpv_links")
    for item in featured:
        initiative = item.initiative
        if initiative is None or initiative.status != InitiativeStatus.PUBLISHED:
            title = item.snapshot.get("title") or (initiative.title if initiative else "?")
            raise ValidationError(
                {
                    "featured": _(
                        "L'initiative « %(title)s » n'est plus publiée sur la carte : "
                        "retirez-la des initiatives à la une avant de publier."
                    )
                    % {"title": title}
                }
            )
        item.snapshot = snapshot_initiative(initiative)
        item.snapshot_at = at
        item.save(update_fields=["snapshot", "snapshot_at"])


@transaction.atomic
@changes_public_data
def snapshot_missing(*, issue: Issue) -> None:
    """Freeze the featured initiatives added to an already published issue (admin inline)."""
    for item in issue.featured.filter(snapshot_at__isnull=True).exclude(initiative=None):
        assert item.initiative is not None  # excluded above
        item.snapshot = snapshot_initiative(item.initiative)
        item.snapshot_at = timezone.now()
        item.save(update_fields=["snapshot", "snapshot_at"])


# --- Publication ---------------------------------------------------------------------------


def publication_problems(*, issue: Issue) -> list[str]:
    """What prevents publishing, in French (empty when the issue can go out)."""
    problems = []
    if not issue.editorial.strip() and not issue.articles.exists():
        problems.append(_("Le numéro n'a ni éditorial ni article."))
    if not issue.themes.exists():
        problems.append(_("Choisissez au moins une thématique."))
    return problems


def publish_issue(
    *,
    issue: Issue,
    expected_version: int | None = None,
    published_at: datetime | None = None,
    notify: bool = True,
    generate_pdf: bool = True,
) -> Issue:
    """Publish: freeze the featured initiatives, date the issue, then build its PDF and
    e-mail the subscribers (once per issue), both through the job queue after the commit.
    """
    caller_issue = issue
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if expected_version is not None:
            claim_issue_version(issue=issue, expected_version=expected_version)
        else:
            Issue.objects.filter(pk=issue.pk).update(version=F("version") + 1)
            issue.version += 1
        problems = publication_problems(issue=issue)
        if problems:
            raise ValidationError(problems)
        bump()
        at = published_at or timezone.now()
        _take_snapshots(issue, at)
        issue.status = IssueStatus.PUBLISHED
        issue.published_at = at
        issue.save(update_fields=["status", "published_at", "updated_at"])
    caller_issue.refresh_from_db()
    from pepites.publications.tasks import build_issue_pdf, notify_subscribers

    # A failure there does not unpublish the issue (the PDF is also built on first download).
    if generate_pdf:
        build_issue_pdf.enqueue(issue_id=issue.pk)
    if notify and issue.notified_at is None:
        notify_subscribers.enqueue(issue_id=issue.pk)
    return issue


@transaction.atomic
@changes_public_data
def unpublish_issue(*, issue: Issue, expected_version: int | None = None) -> Issue:
    """Back to preparation: the public page and PDF disappear; the snapshots are taken again
    at the next publication; subscribers are not e-mailed a second time."""
    caller_issue = issue
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if expected_version is not None:
        claim_issue_version(issue=issue, expected_version=expected_version)
    else:
        Issue.objects.filter(pk=issue.pk).update(version=F("version") + 1)
        issue.version += 1
    issue.status = IssueStatus.DRAFT
    issue.published_at = None
    issue.save(update_fields=["status", "published_at", "updated_at"])
    caller_issue.refresh_from_db()
    return issue
