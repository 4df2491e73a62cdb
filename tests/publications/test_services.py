import pytest
from django.core.exceptions import ValidationError

from pepites.core.errors import ConflictError
from pepites.initiatives.services import update_initiative
from pepites.publications.models import Issue, IssueStatus
from pepites.publications.selectors import featured_cards, issues_featuring
from pepites.publications.services import (
    add_featured_initiative,
    create_issue,
    move_article,
    move_featured,
    publish_issue,
    remove_featured_initiative,
    unpublish_issue,
    update_issue,
)

pytestmark = pytest.mark.django_db


def publish(issue, **kwargs):
    return publish_issue(issue=issue, generate_pdf=False, **kwargs)


def test_composing_and_publishing_an_issue(issue, initiatives):
    assert issue.number == 1
    assert issue.status == IssueStatus.DRAFT
    assert [a.title for a in issue.articles.all()] == [
        "Revitaliser une polarité commerciale",
        "Unions commerciales",
    ]
    assert {c.slug for c in issue.articles.first().centres.all()} == {
        "profession-banlieue",
        "labo-cites",
    }
    assert [f.initiative for f in issue.featured.all()] == [
        initiatives["boutique"],
        initiatives["couveuse"],
    ]
    assert all(f.snapshot == {} for f in issue.featured.all())  # not frozen while a draft

    published = publish(issue)

    assert published.status == IssueStatus.PUBLISHED
    assert published.published_at is not None
    first = published.featured.first()
    assert first.snapshot["title"] == initiatives["boutique"].title
    assert first.snapshot["slug"] == initiatives["boutique"].slug
    assert first.snapshot["uid"] == str(initiatives["boutique"].uid)
    assert first.snapshot["porteur"] == "Association Commerces en quartier"
    assert first.snapshot["commune"] == {
        "code": "93066",
        "name": "Saint-Denis",
        "departement_code": "93",
    }
    assert [t["slug"] for t in first.snapshot["themes"]] == [
        "commerce-proximite",
        "entrepreneuriat",
    ]
    assert first.snapshot_at == published.published_at
    assert list(issues_featuring(initiative=initiatives["boutique"])) == [published]


def test_the_snapshot_is_unchanged_after_the_initiative_is_edited(issue, initiatives):
    publish(issue)
    boutique = initiatives["boutique"]
    boutique.refresh_from_db()
    update_initiative(
        initiative=boutique,
        expected_version=boutique.version,
        title="Un titre changé après la parution",
        summary="Un résumé changé.",
        theme_slugs=["ess"],
    )
    issue.refresh_from_db()
    card = featured_cards(issue=issue)[0]
    assert card.from_snapshot
    assert card.data["title"] == "Une boutique à l'essai en pied d'immeuble"
    assert card.data["summary"].startswith("Un local commercial vacant")
    assert [t["slug"] for t in card.data["themes"]] == ["commerce-proximite", "entrepreneuriat"]
    # …while the link goes to the live page.
    assert card.live_path == f"/initiatives/{boutique.slug}/"


def test_a_draft_shows_the_live_initiative(issue, initiatives):
    boutique = initiatives["boutique"]
    update_initiative(
        initiative=boutique, expected_version=boutique.version, title="Nouveau titre en direct"
    )
    card = featured_cards(issue=issue)[0]
    assert not card.from_snapshot
    assert card.data["title"] == "Nouveau titre en direct"


def test_republishing_takes_a_new_snapshot(issue, initiatives):
    publish(issue)
    boutique = initiatives["boutique"]
    boutique.refresh_from_db()
    update_initiative(initiative=boutique, expected_version=boutique.version, title="Titre 2")
    unpublish_issue(issue=issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT and issue.published_at is None
    assert not issues_featuring(initiative=boutique).exists()
    publish(issue)
    assert issue.featured.first().snapshot["title"] == "Titre 2"


def test_only_published_initiatives_can_be_featured(issue, initiatives):
    with pytest.raises(ValidationError) as error:
        add_featured_initiative(issue=issue, initiative=initiatives["brouillon"])
    assert "publiées" in str(error.value)
    with pytest.raises(ValidationError):
        add_featured_initiative(issue=issue, initiative=initiatives["boutique"])  # twice


def test_publishing_refuses_an_initiative_unpublished_since(issue, initiatives):
    couveuse = initiatives["couveuse"]
    update_initiative(initiative=couveuse, expected_version=couveuse.version, status="archivee")
    with pytest.raises(ValidationError) as error:
        publish(issue)
    assert "n'est plus publiée" in " ".join(error.value.messages)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT  # nothing changed
    assert all(f.snapshot == {} for f in issue.featured.all())


def test_an_empty_issue_cannot_be_published(series):
    empty = create_issue(series=series, title="Vide")
    with pytest.raises(ValidationError) as error:
        publish(empty)
    assert "ni éditorial ni article" in " ".join(error.value.messages)
    assert "thématique" in " ".join(error.value.messages)


def test_a_featured_initiative_added_after_publication_is_frozen_at_once(issue, initiatives):
    publish(issue)
    featured = add_featured_initiative(issue=issue, initiative=initiatives["atelier"])
    assert featured.snapshot["title"] == initiatives["atelier"].title
    assert featured.position == 3


def test_reordering_articles_and_featured_initiatives(issue):
    first, second = issue.articles.all()
    assert move_article(issue=issue, article_pk=second.pk, direction="up")
    assert [a.pk for a in issue.articles.all()] == [second.pk, first.pk]
    assert not move_article(issue=issue, article_pk=second.pk, direction="up")  # already first
    one, two = issue.featured.all()
    move_featured(issue=issue, featured_pk=one.pk, direction="down")
    assert [f.pk for f in issue.featured.all()] == [two.pk, one.pk]
    remove_featured_initiative(issue=issue, featured_pk=two.pk)
    assert [(f.pk, f.position) for f in issue.featured.all()] == [(one.pk, 1)]


def test_concurrent_edits_do_not_overwrite_each_other(issue):
    read_version = issue.version
    update_issue(issue=issue, expected_version=read_version, title="Premier enregistrement")
    stale = Issue.objects.get(pk=issue.pk)
    with pytest.raises(ConflictError):
        update_issue(issue=stale, expected_version=read_version, title="Second, périmé")
    assert Issue.objects.get(pk=issue.pk).title == "Premier enregistrement"


def test_issue_numbers_follow_and_are_unique_in_a_series(series, issue):
    second = create_issue(series=series, title="Suivant")
    assert second.number == 2
    with pytest.raises(ValidationError):
        create_issue(series=series, title="Doublon", number=2)


def test_deleting_an_initiative_keeps_the_published_card(issue, initiatives):
    publish(issue)
    initiatives["couveuse"].delete()
    cards = featured_cards(issue=issue)
    assert [c.data["title"] for c in cards][1] == "Une couveuse d'entreprises à Lille-Sud"
    assert cards[1].live_path is None
