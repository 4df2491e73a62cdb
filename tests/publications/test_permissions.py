"""Every role × every action of the editors' space, and drafts kept private."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from pepites.publications import permissions
from pepites.publications.models import Issue, IssueStatus
from pepites.publications.services import publish_issue
from tests.publications.helpers import compose_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "stranger", "editor", "series_editor", "national", "superuser"]
# What each role may do: compose (GET), edit (POST), reorder, preview, publish, unpublish,
# create a new issue, open the editors' space.
ALLOWED = {
    "anonymous": set(),
    "stranger": set(),
    "editor": {"compose", "edit", "reorder", "preview", "preview_pdf", "index"},
    "series_editor": {"compose", "edit", "reorder", "preview", "preview_pdf", "index", "create"},
    "national": {
        "compose",
        "edit",
        "reorder",
        "preview",
        "preview_pdf",
        "index",
        "create",
        "publish",
        "unpublish",
    },
}
ALLOWED["superuser"] = ALLOWED["national"]


@pytest.fixture
def login(client, request):
    def as_role(role: str, issue: Issue):
        if role == "anonymous":
            return None
        if role == "series_editor":
            user = request.getfixturevalue("stranger")
            issue.series.editors.add(user)
        else:
            user = request.getfixturevalue(role)
        client.force_login(user)
        return user

    return as_role


def assert_refused(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_compose_edit_and_reorder(client, login, issue, role):
    login(role, issue)
    url = reverse("publications:edition_compose", kwargs={"pk": issue.pk})
    response = client.get(url)
    if "compose" in ALLOWED[role]:
        assert response.status_code == 200
        assert "Composer L&#x27;Éco des quartiers n° 1" in response.content.decode()
    else:
        assert_refused(response, role)

    response = client.post(url, compose_data(issue, title="Titre modifié"))
    issue.refresh_from_db()
    if "edit" in ALLOWED[role]:
        assert response.status_code == 302
        assert issue.title == "Titre modifié"
    else:
        assert_refused(response, role)
        assert issue.title == "Le commerce de proximité, cœur du quartier"

    first, second = issue.articles.all()
    response = client.post(url, compose_data(issue, action=f"move:article:{second.pk}:up"))
    order = list(issue.articles.values_list("pk", flat=True))
    if "reorder" in ALLOWED[role]:
        assert response.status_code == 302
        assert order == [second.pk, first.pk]
    else:
        assert_refused(response, role)
        assert order == [first.pk, second.pk]


@pytest.mark.parametrize("role", ROLES)
def test_preview(client, login, issue, role):
    login(role, issue)
    response = client.get(reverse("publications:edition_preview", kwargs={"pk": issue.pk}))
    if "preview" in ALLOWED[role]:
        assert response.status_code == 200
        html = response.content.decode()
        assert "Aperçu" in html and "Revitaliser une polarité commerciale" in html
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ["anonymous", "stranger", "editor"])
def test_preview_pdf_refused(client, login, issue, role):
    """The allowed case renders a PDF: tested once in test_pdf.py."""
    login(role, issue)
    response = client.get(reverse("publications:edition_preview_pdf", kwargs={"pk": issue.pk}))
    if "preview_pdf" in ALLOWED[role]:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        b"".join(response.streaming_content)
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_publish(client, login, issue, role, settings):
    login(role, issue)
    response = client.post(
        reverse("publications:edition_publish", kwargs={"pk": issue.pk}),
        {"expected_version": issue.version},
    )
    issue.refresh_from_db()
    if "publish" in ALLOWED[role]:
        assert response.status_code == 302
        assert issue.status == IssueStatus.PUBLISHED
    else:
        assert_refused(response, role)
        assert issue.status == IssueStatus.DRAFT


@pytest.mark.parametrize("role", ROLES)
def test_unpublish(client, login, issue, role):
    publish_issue(issue=issue, generate_pdf=False)
    login(role, issue)
    response = client.post(
        reverse("publications:edition_unpublish", kwargs={"pk": issue.pk}),
        {"expected_version": issue.version},
    )
    issue.refresh_from_db()
    if "unpublish" in ALLOWED[role]:
        assert response.status_code == 302
        assert issue.status == IssueStatus.DRAFT
    else:
        assert_refused(response, role)
        assert issue.status == IssueStatus.PUBLISHED


@pytest.mark.parametrize("role", ROLES)
def test_create_and_editors_space(client, login, issue, role):
    login(role, issue)
    response = client.get(reverse("publications:edition_index"))
    if "index" in ALLOWED[role]:
        assert response.status_code == 200
    else:
        assert_refused(response, role)
    response = client.post(
        reverse("publications:edition_create"),
        {"series": issue.series.pk, "title": "Numéro suivant", "number": ""},
    )
    created = Issue.objects.filter(title="Numéro suivant").first()
    if "create" in ALLOWED[role]:
        assert response.status_code == 302
        assert created is not None and created.number == 2
    else:
        assert_refused(response, role)
        assert created is None


def test_an_editor_of_one_issue_cannot_touch_another(client, issue, editor, series):
    from pepites.publications.services import create_issue

    other = create_issue(series=series, title="Un autre numéro")
    client.force_login(editor)
    url = reverse("publications:edition_compose", kwargs={"pk": other.pk})
    assert client.get(url).status_code == 403
    listing = client.get(reverse("publications:edition_index")).content.decode()
    assert issue.title in listing and "Un autre numéro" not in listing


def test_an_inactive_editor_has_no_rights(issue, editor):
    editor.is_active = False
    editor.save()
    assert not permissions.can_edit_issue(editor, issue)
    assert not permissions.can_access_edition(editor)


@pytest.mark.parametrize("role", ROLES)
def test_draft_pages_are_not_public(client, login, issue, role):
    login(role, issue)
    kwargs = {"series": issue.series.slug, "number": issue.number}
    assert client.get(reverse("publications:issue_detail", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("publications:issue_pdf", kwargs=kwargs)).status_code == 404
    listing = client.get(reverse("publications:index")).content.decode()
    assert issue.title not in listing
    series_page = client.get(
        reverse("publications:series_detail", kwargs={"series": "eco-des-quartiers"})
    )
    assert issue.title not in series_page.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("stranger", 403), ("editor", 200), ("national", 200), ("superuser", 200)],
)
def test_admin_follows_the_same_rules(client, login, issue, role, status):
    user = login(role, issue)
    user.is_staff = True
    user.save()
    url = reverse("admin:publications_issue_change", args=[issue.pk])
    response = client.get(url)
    assert response.status_code == status if status == 200 else response.status_code in (302, 403)
    if role == "editor":
        html = response.content.decode()
        # An invited editor cannot invite others nor publish from the admin.
        assert 'name="editors"' not in html
        changelist = client.get(reverse("admin:publications_issue_changelist")).content.decode()
        assert "Publier les numéros choisis" in changelist  # listed, but refused when used
        client.post(
            reverse("admin:publications_issue_changelist"),
            {"action": "publish", "_selected_action": [issue.pk]},
        )
        issue.refresh_from_db()
        assert issue.status == IssueStatus.DRAFT
