"""The publications' queued jobs: after a publication, the PDF and the subscribers' e-mails
are the worker's work, not the request's (a failure is retried, then listed for staff)."""

from __future__ import annotations

from pepites.core.jobs import job
from pepites.publications.models import Issue


@job(retries=3, backoff=60)
def build_issue_pdf(*, issue_id: int) -> str:
    from pepites.publications.pdf import issue_pdf

    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None or not issue.is_published:
        return ""  # deleted or unpublished meanwhile: nothing to build
    return issue_pdf(issue=issue)


@job(retries=3, backoff=60)
def notify_subscribers(*, issue_id: int) -> int:
    from pepites.publications.subscriptions import notify_new_issue

    issue = Issue.objects.filter(pk=issue_id).first()
    return notify_new_issue(issue=issue) if issue is not None and issue.is_published else 0
