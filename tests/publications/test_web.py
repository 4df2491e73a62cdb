import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pepites.publications.models import Issue
from pepites.publications.services import create_issue, publish_issue
from tests.publications.helpers import compose_data

pytestmark = pytest.mark.django_db


def publish(issue, when=None):
    return publish_issue(issue=issue, generate_pdf=False, notify=False, published_at=when)


@pytest.fixture
def two_published(series, issue):
    publish(issue, timezone.make_aware(dt.datetime(2025, 3, 15, 10)))
    second = create_issue(
        series=series,
        title="Créer son activité depuis le quartier",
        theme_slugs=["entrepreneuriat"],
        editorial="Édito.",
        is_demo=True,
    )
    publish(second, timezone.make_aware(dt.datetime(2025, 5, 15, 10)))
    return issue, second


def test_the_list_shows_issues_newest_first_and_filters_by_theme(client, two_published):
    first, second = two_published
    html = client.get(reverse("publications:index")).content.decode()
    assert html.index(second.title) < html.index(first.title)
    assert "L&#x27;Éco des quartiers" in html and "pour les décideurs" in html
    assert "Exemple de démonstration" in html  # the second is demonstration content
    filtered = client.get(reverse("publications:index") + "?theme=commerce-proximite")
    html = filtered.content.decode()
    assert first.title in html and second.title not in html
    assert '<option value="commerce-proximite" selected>' in html


def test_the_list_query_count_does_not_grow_with_issues(
    client, two_published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        client.get(reverse("publications:index"))


def test_the_issue_page(client, issue, initiatives):
    publish(issue)
    response = client.get(
        reverse("publications:issue_detail", kwargs={"series": "eco-des-quartiers", "number": 1})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Le commerce de proximité, cœur du quartier" in html
    assert '<a href="#article-1">Revitaliser une polarité commerciale</a>' in html
    assert "Un éditorial <strong>engagé</strong> sur le commerce." in html
    assert "<h3>Les leviers</h3>" in html  # headings typed in an article start at h3
    assert "Profession Banlieue" in html and "Par Camille Martin" in html
    live = reverse("initiative_detail", kwargs={"slug": initiatives["boutique"].slug})
    assert f'<a href="{live}">Une boutique à l&#x27;essai en pied d&#x27;immeuble</a>' in html
    assert "/publications/eco-des-quartiers/1/pdf/" in html
    assert "Exemple de démonstration" not in html


def test_markdown_cannot_inject_anything(client, issue):
    issue.editorial = (
        "<script>alert(1)</script>[clic](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    issue.save()
    publish(issue)
    html = client.get("/publications/eco-des-quartiers/1/").content.decode()
    editorial = html.split('id="editorial"')[1].split("</section>")[0]
    assert "<script" not in editorial and "<img" not in editorial
    assert 'href="javascript' not in editorial


def test_each_initiative_page_lists_the_issues_that_feature_it(client, issue, initiatives):
    boutique = initiatives["boutique"]
    include = "web/publications/includes/featured_in.html"
    assert render_to_string(include, {"initiative": boutique}).strip() == ""  # a draft: nothing
    publish(issue)
    html = render_to_string(include, {"initiative": boutique})
    assert "Présentée dans les publications du réseau" in html
    assert 'href="/publications/eco-des-quartiers/1/"' in html
    assert "L&#x27;Éco des quartiers n° 1 — Le commerce de proximité" in html
    assert render_to_string(include, {"initiative": initiatives["atelier"]}).strip() == ""


def test_composing_articles_with_the_formset(client, issue, editor):
    client.force_login(editor)
    url = reverse("publications:edition_compose", kwargs={"pk": issue.pk})
    data = compose_data(
        issue,
        **{
            "articles-2-title": "Un troisième article",
            "articles-2-author": "Sam",
            "articles-2-body": "Texte **du troisième**.",
            "articles-0-DELETE": "on",
        },
    )
    response = client.post(url, {**data, "etape": "articles"})  # the articles step's own save
    assert response.status_code == 302
    assert [(a.title, a.position) for a in issue.articles.all()] == [
        ("Unions commerciales", 1),
        ("Un troisième article", 2),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Modifications enregistrées." in page


def test_an_invalid_form_saves_nothing_and_says_where(client, issue, editor):
    client.force_login(editor)
    url = reverse("publications:edition_compose", kwargs={"pk": issue.pk})
    # Each step saves its own part: the issue's fields, then the articles.
    for step, data in [
        ("numero", compose_data(issue, title="")),
        ("articles", compose_data(issue, **{"articles-1-title": ""})),
    ]:
        response = client.post(url, {**data, "etape": step})
        html = response.content.decode()
        assert response.status_code == 200
        assert "corrigez les champs signalés" in html
        assert html.count("Ce champ est obligatoire.") == 1
    issue.refresh_from_db()
    assert issue.title == "Le commerce de proximité, cœur du quartier"
    assert issue.articles.filter(title="").count() == 0


def test_a_stale_form_is_refused(client, issue, editor):
    client.force_login(editor)
    url = reverse("publications:edition_compose", kwargs={"pk": issue.pk})
    stale = compose_data(issue, title="Version périmée")
    client.post(url, compose_data(issue, title="Version enregistrée"))
    response = client.post(url, stale)
    assert "modifiée par quelqu" in response.content.decode()
    issue.refresh_from_db()
    assert issue.title == "Version enregistrée"


def test_the_picker_searches_published_initiatives_and_adds_one(client, issue, initiatives, editor):
    client.force_login(editor)
    url = reverse("publications:edition_compose", kwargs={"pk": issue.pk})
    # The full search: a word of the summary, without its accent, not only the title.
    html = client.get(url + "?etape=initiatives&q=souterrain").content.decode()
    assert "Des ateliers d&#x27;artisans dans un parking" in html
    html = client.get(url + "?etape=initiatives&thematique=immobilier-entreprise").content.decode()
    assert "Des ateliers d&#x27;artisans dans un parking" in html
    html = client.get(url + "?etape=initiatives&q=ateliers").content.decode()
    assert "Des ateliers d&#x27;artisans dans un parking" in html
    atelier = initiatives["atelier"]
    assert f'value="add:featured:{atelier.pk}"' in html
    # Drafts and initiatives already featured are not offered.
    html = client.get(url + "?etape=initiatives&q=un").content.decode()
    assert "Un projet encore en préparation" not in html
    assert f'value="add:featured:{initiatives["boutique"].pk}"' not in html

    client.post(url, compose_data(issue, action=f"add:featured:{atelier.pk}"))
    assert [f.initiative for f in issue.featured.all()][-1] == atelier
    draft = initiatives["brouillon"]
    response = client.post(url, compose_data(issue, action=f"add:featured:{draft.pk}"), follow=True)
    assert "Seules les initiatives publiées" in response.content.decode()
    assert issue.featured.count() == 3


def test_reordering_and_removing_featured_initiatives_without_javascript(client, issue, editor):
    client.force_login(editor)
    url = reverse("publications:edition_compose", kwargs={"pk": issue.pk})
    one, two = issue.featured.all()
    client.post(url, compose_data(issue, action=f"move:featured:{two.pk}:up"))
    assert list(issue.featured.values_list("pk", flat=True)) == [two.pk, one.pk]
    client.post(url, compose_data(issue, action=f"remove:featured:{two.pk}"))
    assert list(issue.featured.values_list("pk", flat=True)) == [one.pk]


def test_creating_an_issue(client, series, national):
    client.force_login(national)
    response = client.post(
        reverse("publications:edition_create"),
        {
            "series": series.pk,
            "title": "L'innovation sociale",
            "number": "",
            "planned_date": "2026-05-15",
        },
    )
    issue = Issue.objects.get(title="L'innovation sociale")
    assert response["Location"] == reverse("publications:edition_compose", kwargs={"pk": issue.pk})
    assert issue.number == 1 and issue.planned_date == dt.date(2026, 5, 15)
    response = client.post(
        reverse("publications:edition_create"),
        {"series": series.pk, "title": "Doublon", "number": "1"},
    )
    assert "Le numéro 1 existe déjà dans cette collection." in response.content.decode()


def test_the_planning_shows_the_year_by_theme_and_month(client, two_published, series, national):
    create_issue(
        series=series,
        title="Prévu en septembre",
        theme_slugs=["immobilier-entreprise"],
        planned_date=dt.date(2025, 9, 15),
    )
    client.force_login(national)
    html = client.get(reverse("publications:edition_index") + "?annee=2025").content.decode()
    assert "Planning 2025" in html
    rows = {
        row.split("</th>")[0].rsplit(">", 1)[-1]: row
        for row in html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    }
    commerce = rows["Commerce de proximité"].split("<td>")
    assert "n° 1" in commerce[3]  # March
    entrepreneuriat = rows["Entrepreneuriat et création d&#x27;activité"].split("<td>")
    assert "n° 2" in entrepreneuriat[5]  # May
    assert (
        "En préparation"
        in rows["Immobilier d&#x27;entreprise et lieux d&#x27;activité"].split("<td>")[9]
    )
    other_year = client.get(reverse("publications:edition_index") + "?annee=2024").content.decode()
    assert "n° 1" not in other_year.split("<tbody>")[1].split("</tbody>")[0]


def test_the_initiative_page_lists_its_issues(client, issue, initiatives):
    """Once the initiative page includes web/publications/includes/featured_in.html."""
    from django.template.loader import get_template

    source = get_template("web/initiatives/detail.html").template.source
    if "web/publications/includes/featured_in.html" not in source:
        pytest.skip("la page d'une initiative n'inclut pas encore featured_in.html")
    publish(issue)
    live = reverse("initiative_detail", kwargs={"slug": initiatives["boutique"].slug})
    html = client.get(live).content.decode()
    assert 'href="/publications/eco-des-quartiers/1/"' in html
