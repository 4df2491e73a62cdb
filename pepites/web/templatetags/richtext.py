"""{% load richtext %} {{ initiative.context|markdown }}: stored Markdown as safe HTML."""

from django import template
from django.utils.safestring import SafeString

from pepites.core.richtext import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text or "")
