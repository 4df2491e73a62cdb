"""Markdown of editorials and articles, rendered to HTML that is safe to show and print.

markdown-it-py (CommonMark, raw HTML disabled) renders; nh3 (the Ammonia sanitiser) then
keeps only an allow-list of tags, so nothing typed can inject a script, a style or an image
fetched from elsewhere (the PDF renderer must not reach the network).
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "h6",
    "code",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
# An article's own title is an h2 of the page: headings typed in the body start at h3.
HEADING_SHIFT = 2

_md = MarkdownIt("commonmark", {"html": False, "typographer": False})


def markdown_to_html(text: str) -> SafeString:
    tokens = _md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"
    html = _md.renderer.render(tokens, _md.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # sanitised by nh3 just above
