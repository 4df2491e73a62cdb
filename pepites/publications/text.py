"""Markdown of editorials and articles, through the project's rich text rules
(`pepites.core.richtext`: raw HTML disabled, nh3 allow-list), with one difference: an
article's title is an h2 of the page and of the PDF, so the highest heading typed in its
body becomes an h3, whether the writer typed "#" or "##"."""

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from pepites.core.richtext import sanitize_html

TOP_LEVEL = 3
MAX_LEVEL = 4  # the allow-list stops at h4

_md = MarkdownIt("commonmark", {"html": False, "typographer": False})


def render_body(text: str) -> SafeString:
    tokens = _md.parse(text or "")
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if levels:
        shift = TOP_LEVEL - min(levels)
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(max(int(token.tag[1]) + shift, TOP_LEVEL), MAX_LEVEL)}"
    html = _md.renderer.render(tokens, _md.options, {})
    return mark_safe(sanitize_html(html))  # sanitised by the allow-list just above
