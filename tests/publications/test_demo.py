import pytest

from pepites.initiatives.models import Theme
from pepites.publications.demo import demo_year, load_demo_publications
from pepites.publications.models import Issue, IssueStatus, Series
from tests.initiatives.helpers import new_initiative

pytestmark = pytest.mark.django_db

PUBLICATION_THEMES = [
    "immobilier-entreprise",
    "innovation-sociale",
    "entrepreneuriat",
    "commerce-proximite",
]


@pytest.fixture
def demo_initiatives(reference_data):
    communes = ["93066", "59350", "91228", "69123", "44109", "35238", "37261", "14118"]
    for n, (theme, commune) in enumerate(zip(PUBLICATION_THEMES * 2, communes, strict=True)):
        new_initiative(
            title=f"Initiative de démonstration {n} ({theme})",
            commune_code=commune,
            theme_slugs=[theme],
            status="publiee",
            is_demo=True,
        )
    new_initiative(title="Une vraie initiative", theme_slugs=["entrepreneuriat"], status="publiee")


def test_one_demo_issue_per_theme_of_the_first_year(client, demo_initiatives):
    assert set(Theme.objects.filter(in_publication=True).values_list("slug", flat=True)) == set(
        PUBLICATION_THEMES
    )
    assert load_demo_publications(generate_pdf=False) == 4
    series = Series.objects.get(slug="eco-des-quartiers")
    assert series.title == "L'Éco des quartiers" and series.is_demo
    issues = list(Issue.objects.order_by("number"))
    assert [i.number for i in issues] == [1, 2, 3, 4]
    for issue, theme in zip(issues, PUBLICATION_THEMES, strict=True):
        assert issue.is_demo and issue.status == IssueStatus.PUBLISHED
        assert [t.slug for t in issue.themes.all()] == [theme]
        assert issue.published_at.year == demo_year()
        assert "démonstration" in issue.editorial
        assert 2 <= issue.articles.count() <= 3
        featured = [f.snapshot for f in issue.featured.all()]
        assert len(featured) == 2
        assert all(s["is_demo"] and theme in [t["slug"] for t in s["themes"]] for s in featured)
    months = [i.published_at.month for i in issues]
    assert months == [3, 5, 7, 9]  # every two months
    html = client.get("/publications/eco-des-quartiers/1/").content.decode()
    assert html.count("Exemple de démonstration") >= 2  # the issue and its initiatives
    assert "Les textes et les initiatives de ce numéro sont fictifs." in html

    assert load_demo_publications(generate_pdf=False) == 0  # idempotent
    assert Issue.objects.count() == 4


def test_demo_year_is_always_in_the_past():
    import datetime as dt

    assert demo_year(today=dt.date(2027, 1, 10)) == 2026
    assert demo_year(today=dt.date(2027, 9, 15)) == 2027
