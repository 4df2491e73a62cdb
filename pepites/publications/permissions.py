"""Who may do what with the publications.

- national team (and superusers): everything, including publishing, which notifies the
  subscribers in the network's name, and inviting editors;
- invited editors (the `editors` of an issue, or of its series for all its issues): compose,
  edit, reorder and preview; a series' editors may also start a new issue of it;
- everybody else: read published issues only.
"""

from typing import cast

from django.contrib.auth import models as auth
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from pepites.core.roles import is_national_team
from pepites.publications.models import Issue, Series

User = AbstractBaseUser | AnonymousUser


def _is_active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_series_editor(user: User, series: Series) -> bool:
    return _is_active(user) and series.editors.filter(pk=cast(int, user.pk)).exists()


def can_access_edition(user: User) -> bool:
    """The editing space lists something for this user."""
    if is_national_team(user):
        return True
    if not _is_active(user):
        return False
    account = cast(auth.User, user)
    return account.edited_publication_issues.exists() or account.edited_publication_series.exists()


def can_create_issue(user: User, series: Series | None = None) -> bool:
    if is_national_team(user):
        return True
    if series is None:
        return _is_active(user) and cast(auth.User, user).edited_publication_series.exists()
    return is_series_editor(user, series)


def can_edit_issue(user: User, issue: Issue) -> bool:
    """Compose, edit the articles, reorder, choose the featured initiatives."""
    if is_national_team(user):
        return True
    if not _is_active(user):
        return False
    in_editors = issue.editors.filter(pk=cast(int, user.pk)).exists()
    return in_editors or is_series_editor(user, issue.series)


def can_preview_issue(user: User, issue: Issue) -> bool:
    return can_edit_issue(user, issue)


def can_publish_issue(user: User, issue: Issue) -> bool:
    """Publishing speaks for the network and e-mails the subscribers: national team only."""
    return is_national_team(user)


def can_unpublish_issue(user: User, issue: Issue) -> bool:
    return is_national_team(user)


def can_manage_editors(user: User) -> bool:
    return is_national_team(user)


def can_view_issue(user: User, issue: Issue) -> bool:
    return issue.is_published or can_preview_issue(user, issue)
