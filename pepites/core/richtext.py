"""Rich text of Pépites: Markdown typed by people, shown as HTML that cannot run anything.

Two steps, so that a gap in one is covered by the other:

- on input, `clean_markdown` removes HTML tags, comments and script URLs from the typed
  Markdown (what is stored is what the editor shows back);
- on output, `render_markdown` renders CommonMark with raw HTML disabled, then
  `sanitize_html` keeps an allow-list of tags and attributes (nh3, the Ammonia sanitiser):
  no script, no event handler, no style, no link other than http(s)/mailto, no image.
"""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "h3", "h4", "code", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Headings typed in a description are sections inside the page: they start at h3.
HEADING_SHIFT = 2

_md = MarkdownIt("commonmark", {"html": False, "typographer": False})

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# A tag name followed by a space, "/" or ">": Markdown autolinks (<https://…>, <a@b.fr>)
# are not tags and stay.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:[\s/][^<>]*)?>")
_SCRIPT_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_URL = re.compile(r"(?:java|vb)\s*script\s*:|data\s*:\s*text/html", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags and attributes; links get rel="noopener noreferrer"."""
    return nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def clean_markdown(text: str) -> str:
    """The Markdown to store: typed text without HTML tags, comments or script URLs.

    Repeated until nothing changes, so that "<scr<script>ipt>" cannot reassemble a tag.
    """
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    previous = None
    while previous != text:
        previous = text
        text = _SCRIPT_BLOCK.sub("", text)
        text = _COMMENT.sub("", text)
        text = _TAG.sub("", text)
        text = _SCRIPT_URL.sub("", text)
    return text.strip()


def render_markdown(text: str) -> SafeString:
    """HTML for a page (or a PDF) from stored Markdown, whatever it holds."""
    tokens = _md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 4)}"
    html = _md.renderer.render(tokens, _md.options, {})
    return mark_safe(sanitize_html(html))  # sanitised by the allow-list just above
