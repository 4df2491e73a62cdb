"""The resource library as the public sees it: the centres' resources and the articles of
the published issues of L'Éco des quartiers, merged into one list.

The publication stays the only place an article is written: it appears here as a library
item of kind « Article de L'Éco des quartiers », never copied into a resource row (so it is
never entered twice, nor out of date). This read sits in `insights`, the layer that reads
every domain, because publications and resources are independent siblings; the web pages,
the API and the open-data export all read the library through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from pepites.core import links
from pepites.publications.models import Article, IssueStatus
from pepites.publications.text import render_body
from pepites.resources.models import Resource, ResourceKind
from pepites.resources.selectors import ResourceFilters, filter_resources, with_relations

SUMMARY_WORDS = 60


@dataclass
class LibraryItem:
    source: str  # "resource" or "article"
    id: int
    title: str
    kind: str
    kind_label: str
    summary: str
    authors: str
    date: date
    url: str
    centres: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    licence: str = ""
    file_url: str = ""
    file_type: str = ""
    external_url: str = ""
    preview_url: str = ""
    is_demo: bool = False
    resource: Resource | None = None
    found_pages: list[int] = field(default_factory=list)  # where a search found its words

    @property
    def key(self) -> str:
        return f"{self.source}-{self.id}"


def _articles(filters: ResourceFilters):
    if filters.territory or filters.kind not in ("", ResourceKind.ARTICLE):
        return Article.objects.none()  # articles carry no territory
    articles = Article.objects.filter(issue__status=IssueStatus.PUBLISHED)
    if filters.theme:
        articles = articles.filter(issue__themes__slug=filters.theme)
    if filters.centre:
        articles = articles.filter(centres__slug=filters.centre)
    if filters.year:
        articles = articles.filter(issue__published_at__year=filters.year)
    return articles.distinct()


def _resource_item(resource: Resource) -> LibraryItem:
    return LibraryItem(
        source="resource",
        id=resource.pk,
        title=resource.title,
        kind=resource.kind,
        kind_label=str(resource.get_kind_display()),
        summary=resource.summary,
        authors=resource.authors,
        date=resource.date,
        url=resource.get_absolute_url(),
        centres=[c.name for c in resource.centres.all()],
        themes=[t.label for t in resource.themes.all()],
        licence=str(resource.get_licence_display()),
        file_url=resource.file.url if resource.file else "",
        file_type=resource.file_type,
        external_url=resource.external_url,
        preview_url=resource.preview.url if resource.preview else "",
        is_demo=resource.is_demo,
        resource=resource,
    )


def _published_on(issue) -> date:
    if issue.published_at is None:  # the library reads published issues only
        raise ValueError(f"Issue {issue.pk} is not published")
    return issue.published_at.date()


def _article_item(article: Article) -> LibraryItem:
    issue = article.issue
    position = [a.pk for a in issue.articles.all()].index(article.pk) + 1
    url = links.path("publications.issue", series=issue.series.slug, number=issue.number)
    text = strip_tags(render_body(article.body))
    return LibraryItem(
        source="article",
        id=article.pk,
        title=article.title,
        kind=ResourceKind.ARTICLE,
        kind_label=str(ResourceKind.ARTICLE.label),
        summary=Truncator(" ".join(text.split())).words(SUMMARY_WORDS),
        authors=article.author,
        date=_published_on(issue),
        url=f"{url}#article-{position}",
        centres=[c.name for c in article.centres.all()],
        themes=[t.label for t in issue.themes.all()],
        licence=str(_("Licence Ouverte 2.0")),
        is_demo=issue.is_demo,
    )


def library_items(
    *, filters: ResourceFilters, offset: int = 0, limit: int | None = None
) -> tuple[list[LibraryItem], int]:
    """One page of the merged library, newest first, and the total number of items."""
    keys = [
        (d, "resource", pk) for d, pk in filter_resources(filters=filters).values_list("date", "pk")
    ]
    keys += [
        (at.date(), "article", pk)
        for at, pk in _articles(filters).values_list("issue__published_at", "pk")
    ]
    keys.sort(key=lambda k: (k[0], k[1] == "resource", k[2]), reverse=True)
    total = len(keys)
    chosen = keys[offset : None if limit is None else offset + limit]
    resource_ids = [pk for _d, source, pk in chosen if source == "resource"]
    article_ids = [pk for _d, source, pk in chosen if source == "article"]
    resources = {r.pk: r for r in with_relations(Resource.objects.filter(pk__in=resource_ids))}
    articles = {
        a.pk: a
        for a in Article.objects.filter(pk__in=article_ids)
        .select_related("issue__series")
        .prefetch_related("centres", "issue__themes", "issue__articles")
    }
    items = [
        _resource_item(resources[pk]) if source == "resource" else _article_item(articles[pk])
        for _d, source, pk in chosen
    ]
    return items, total


def resource_items(resources: list[Resource]) -> list[LibraryItem]:
    return [_resource_item(r) for r in resources]
