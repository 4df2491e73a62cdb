"""The library merges the resources and the articles of published issues, each listed once."""

from datetime import date

import pytest

from pepites.initiatives.models import Theme
from pepites.insights.library import library_items
from pepites.publications.services import publish_issue
from pepites.resources.models import ResourceKind, ResourceStatus
from pepites.resources.selectors import ResourceFilters
from tests.resources.helpers import make_resource

pytestmark = pytest.mark.django_db


def _link(**values):
    return make_resource(data=None, external_url="https://example.org/r", **values)


def test_articles_of_published_issues_are_listed_once(issue):
    _link(title="Guide du commerce", kind=ResourceKind.GUIDE)
    items, total = library_items(filters=ResourceFilters())
    assert [i.source for i in items] == ["resource"]  # the issue is still a draft
    publish_issue(issue=issue, notify=False, generate_pdf=False)
    items, total = library_items(filters=ResourceFilters())
    titles = [i.title for i in items]
    assert total == 3
    assert sorted(titles) == sorted(
        ["Guide du commerce", "Revitaliser une polarité commerciale", "Unions commerciales"]
    )
    assert len(set(titles)) == len(titles)
    article = next(i for i in items if i.title == "Unions commerciales")
    assert article.kind_label == "Article de L'Éco des quartiers"
    assert article.url.endswith("#article-2")
    # Filtered by kind: the articles alone; by a centre of the first article: it is there.
    only_articles, n = library_items(filters=ResourceFilters(kind=ResourceKind.ARTICLE))
    assert n == 2 and {i.source for i in only_articles} == {"article"}
    by_centre, _n = library_items(filters=ResourceFilters(centre="labo-cites"))
    assert [i.title for i in by_centre] == ["Revitaliser une polarité commerciale"]


def test_filters_kind_theme_centre_territory_year(reference_data):
    guide = _link(
        title="Guide",
        kind=ResourceKind.GUIDE,
        themes=Theme.objects.filter(slug="emploi-insertion"),
        date=date(2024, 3, 1),
    )
    study = _link(
        title="Étude", centre_slug="labo-cites", departements=["93"], date=date(2025, 3, 1)
    )
    _link(title="Brouillon", status=ResourceStatus.DRAFT)

    def titles(**filters):
        return [i.title for i in library_items(filters=ResourceFilters(**filters))[0]]

    assert titles() == ["Étude", "Guide"]
    assert titles(kind=ResourceKind.GUIDE) == ["Guide"]
    assert titles(theme="emploi-insertion") == ["Guide"]
    assert titles(centre="labo-cites") == ["Étude"]
    assert titles(territory="departement:93") == ["Étude"]
    assert titles(territory="region:11") == ["Étude"]  # Seine-Saint-Denis is in Île-de-France
    assert titles(territory="region:84") == []
    assert titles(year=2024) == ["Guide"]
    assert guide.pk and study.pk
