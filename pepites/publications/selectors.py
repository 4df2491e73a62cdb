"""Reads of the publications domain."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.core.roles import is_national_team
from pepites.initiatives.models import Initiative, InitiativeStatus, Theme
from pepites.initiatives.selectors import filter_published_initiatives
from pepites.network.models import Centre
from pepites.publications.links import absolute_url, initiative_path
from pepites.publications.models import Article, FeaturedInitiative, Issue, IssueStatus, Series
from pepites.publications.snapshots import snapshot_initiative

PORTFOLIO_MAX_CARDS = 60
PICKER_MAX_RESULTS = 20


def list_series() -> QuerySet[Series]:
    return Series.objects.order_by("title")


def published_issues(
    *, theme_slug: str | None = None, series: Series | None = None
) -> QuerySet[Issue]:
    """Published issues, newest first, optionally of one theme or series."""
    issues = (
        Issue.objects.filter(status=IssueStatus.PUBLISHED)
        .select_related("series")
        .prefetch_related("themes")
        .order_by("-published_at", "-number")
    )
    if theme_slug:
        issues = issues.filter(themes__slug=theme_slug)
    if series is not None:
        issues = issues.filter(series=series)
    return issues


def publication_themes() -> QuerySet[Theme]:
    """Themes that have a published issue, for the list's filter."""
    return (
        Theme.objects.filter(publication_issues__status=IssueStatus.PUBLISHED)
        .distinct()
        .order_by("position", "label")
    )


def get_issue(*, series_slug: str, number: int) -> Issue | None:
    """An issue in any state, with what its page shows (the view checks who may see it)."""
    return (
        Issue.objects.select_related("series")
        .prefetch_related(
            "themes",
            Prefetch("articles", queryset=Article.objects.prefetch_related("centres")),
        )
        .filter(series__slug=series_slug, number=number)
        .first()
    )


def issues_featuring(*, initiative: Initiative) -> QuerySet[Issue]:
    """The published issues that feature an initiative, newest first (for its page)."""
    return (
        Issue.objects.filter(status=IssueStatus.PUBLISHED, featured__initiative=initiative)
        .select_related("series")
        .order_by("-published_at", "-number")
        .distinct()
    )


# --- Featured initiatives as shown -----------------------------------------------------------


@dataclass(frozen=True)
class FeaturedCard:
    pk: int
    data: dict[str, Any]  # the snapshot's shape
    live_path: str | None  # the live page, when the initiative is still published
    absolute_url: str | None
    from_snapshot: bool


def featured_cards(*, issue: Issue) -> list[FeaturedCard]:
    """What the issue shows of each featured initiative: the snapshot of a published issue,
    the live initiative while in preparation (which is what publishing will freeze)."""
    items = issue.featured.select_related(
        "initiative__commune", "initiative__centre"
    ).prefetch_related("initiative__themes", "initiative__qpv_links", "initiative__images")
    cards = []
    for item in items:
        initiative = item.initiative
        live = initiative is not None and initiative.status == InitiativeStatus.PUBLISHED
        use_snapshot = issue.is_published and bool(item.snapshot)
        if use_snapshot:
            data = item.snapshot
        elif initiative is not None:
            data = snapshot_initiative(initiative)
        else:
            continue  # deleted before the issue was published: nothing to show
        path = initiative_path(initiative.slug) if live and initiative is not None else None
        cards.append(
            FeaturedCard(
                pk=item.pk,
                data=data,
                live_path=path,
                absolute_url=absolute_url(path) if path else None,
                from_snapshot=use_snapshot,
            )
        )
    return cards


def featured_for_edition(*, issue: Issue) -> QuerySet[FeaturedInitiative]:
    return issue.featured.select_related("initiative__commune")


def search_initiatives(
    *, query: str, issue: Issue, theme_slugs: list[str] | None = None
) -> list[Initiative]:
    """Published initiatives for the editors' picker, not yet featured in the issue: the
    words searched as on the map (title, porteur, summary, description, commune, centre;
    accents, plurals and typos), within the themes chosen if any."""
    query = " ".join(query.split())
    themes = [slug for slug in theme_slugs or [] if slug]
    if not query and not themes:
        return []
    featured = set(issue.featured.values_list("initiative_id", flat=True))
    results = filter_published_initiatives(query=query, themes=themes)
    found = [i for i in results[: PICKER_MAX_RESULTS + len(featured)] if i.pk not in featured]
    return found[:PICKER_MAX_RESULTS]


# --- Editing space --------------------------------------------------------------------------


def editable_issues(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Issue]:
    issues = Issue.objects.select_related("series").prefetch_related("themes")
    if is_national_team(user):
        return issues
    if not user.is_authenticated:
        return issues.none()
    return issues.filter(Q(editors=user) | Q(series__editors=user)).distinct()


def editable_series(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Series]:
    if is_national_team(user):
        return Series.objects.all()
    if not user.is_authenticated:
        return Series.objects.none()
    return Series.objects.filter(editors=cast(User, user))


def issue_date(issue: Issue) -> date | None:
    """The date an issue sits at in the planning: its publication, else its plan."""
    if issue.published_at:
        return timezone.localdate(issue.published_at)
    return issue.planned_date


@dataclass
class PlanningRow:
    theme: Theme | None
    months: list[list[Issue]] = field(default_factory=lambda: [[] for _ in range(12)])


@dataclass
class Planning:
    year: int
    rows: list[PlanningRow]
    undated: list[Issue]
    years: list[int]


def year_planning(*, issues: QuerySet[Issue], year: int) -> Planning:
    """The issues of a year by theme (rows) and month (columns); an issue with several
    themes shows in each of its rows."""
    listed = list(issues.prefetch_related("themes"))
    years = sorted({d.year for d in map(issue_date, listed) if d} | {year}, reverse=True)
    themes = list(Theme.objects.filter(in_publication=True).order_by("position", "label"))
    used = {t for issue in listed for t in issue.themes.all()}
    themes += sorted(used - set(themes), key=lambda t: (t.position, t.label))
    rows = {t.pk: PlanningRow(theme=t) for t in themes}
    no_theme = PlanningRow(theme=None)
    undated = []
    for issue in listed:
        day = issue_date(issue)
        if day is None:
            undated.append(issue)
            continue
        if day.year != year:
            continue
        targets = [rows[t.pk] for t in issue.themes.all()] or [no_theme]
        for row in targets:
            row.months[day.month - 1].append(issue)
    ordered = list(rows.values())
    if any(no_theme.months):
        ordered.append(no_theme)
    return Planning(year=year, rows=ordered, undated=undated, years=years)


# --- Portfolio ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioFilters:
    theme: Theme | None = None
    region: Any = None
    departement: Any = None
    centre: Centre | None = None

    def describe(self) -> list[str]:
        parts = []
        if self.theme:
            parts.append(_("Thématique : %(v)s") % {"v": self.theme.label})
        if self.region:
            parts.append(_("Région : %(v)s") % {"v": self.region.name})
        if self.departement:
            parts.append(_("Département : %(v)s") % {"v": self.departement})
        if self.centre:
            parts.append(_("Centre de ressources : %(v)s") % {"v": self.centre.name})
        return parts

    def query(self) -> dict[str, str]:
        values = {
            "theme": self.theme.slug if self.theme else "",
            "region": self.region.code if self.region else "",
            "departement": self.departement.code if self.departement else "",
            "centre": self.centre.slug if self.centre else "",
        }
        return {k: v for k, v in values.items() if v}


def portfolio_initiatives(*, filters: PortfolioFilters) -> QuerySet[Initiative]:
    """Published initiatives matching the map's filters, by département and commune."""
    results = filter_published_initiatives(
        themes=[filters.theme.slug] if filters.theme else [],
        region=filters.region.code if filters.region else "",
        departement=filters.departement.code if filters.departement else "",
        centre=filters.centre.slug if filters.centre else "",
    )
    return (
        results.queryset.select_related("commune", "centre")
        .prefetch_related("themes", "qpv_links", "images")
        .order_by("commune__departement_id", "commune__name", "title")
    )


def network_centres() -> QuerySet[Centre]:
    """The back page of every print: the centres and how to reach them."""
    return Centre.objects.order_by("name")
