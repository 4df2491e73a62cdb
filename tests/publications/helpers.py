"""Form data of the compose page, as a browser would post it."""

from typing import Any

from pepites.publications.models import Issue


def compose_data(issue: Issue, action: str = "save", **overrides: Any) -> dict[str, Any]:
    issue.refresh_from_db()
    articles = list(issue.articles.all())
    data: dict[str, Any] = {
        "title": issue.title,
        "number": issue.number,
        "themes": [str(pk) for pk in issue.themes.values_list("pk", flat=True)],
        "planned_date": issue.planned_date.isoformat() if issue.planned_date else "",
        "editorial": issue.editorial,
        "editorial_author": issue.editorial_author,
        "expected_version": issue.version,
        "articles-TOTAL_FORMS": len(articles) + 1,
        "articles-INITIAL_FORMS": len(articles),
        "articles-MIN_NUM_FORMS": 0,
        "articles-MAX_NUM_FORMS": 1000,
        "action": action,
        "q": "",
    }
    for index, article in enumerate(articles):
        prefix = f"articles-{index}"
        data.update(
            {
                f"{prefix}-id": article.pk,
                f"{prefix}-issue": issue.pk,
                f"{prefix}-title": article.title,
                f"{prefix}-author": article.author,
                f"{prefix}-body": article.body,
                f"{prefix}-centres": [
                    str(pk) for pk in article.centres.values_list("pk", flat=True)
                ],
                f"{prefix}-image_alt": article.image_alt,
                f"{prefix}-image_credit": article.image_credit,
            }
        )
    extra = f"articles-{len(articles)}"
    data.update({f"{extra}-issue": issue.pk, f"{extra}-title": "", f"{extra}-body": ""})
    data.update(overrides)
    return data
