"""The current query string with some parameters taken out (links that widen a search)."""

from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag
def query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
