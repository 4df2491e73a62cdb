from django import template

from pepites.publications.selectors import issues_featuring

register = template.Library()


@register.simple_tag
def issues_featuring_initiative(initiative) -> list:
    """The published issues featuring an initiative, for its page (one query)."""
    if initiative is None or getattr(initiative, "pk", None) is None:
        return []
    return list(issues_featuring(initiative=initiative))
