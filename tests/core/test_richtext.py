"""Rich text: what people type comes out harmless, on input and on output."""

from html.parser import HTMLParser

import pytest

from pepites.core.richtext import clean_markdown, render_markdown, sanitize_html

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">clic</a>',
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "<scr<script>ipt>alert(1)</script>",
    '<svg onload="alert(1)">',
    "<iframe src=https://example.org></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<!-- <script>alert(1)</script> -->",
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def dangers(html: str) -> list[str]:
    """What could run in a browser: elements and attributes, not escaped text."""
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag in {"script", "iframe", "svg", "img", "style", "object", "embed", "div"}:
            problems.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                problems.append(f"{tag}@{name}")
            href = value or ""
            if (
                name == "href"
                and ":" in href
                and not href.startswith(("https:", "http:", "mailto:"))
            ):
                problems.append(f"href={value}")
    return problems


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_harmless(text):
    assert dangers(render_markdown(text)) == []
    assert dangers(render_markdown(clean_markdown(text))) == []
    cleaned = clean_markdown(text).lower()
    assert "<script" not in cleaned and "onerror" not in cleaned and "javascript:" not in cleaned


def test_markdown_is_kept():
    text = "## Titre\n\n**gras**, *italique*, [lien](https://example.org) & a < b\n\n- un\n- deux"
    assert clean_markdown(text) == text
    html = render_markdown(text)
    assert "<h4>Titre</h4>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">lien</a>' in html
    assert "<strong>gras</strong>" in html and "<li>un</li>" in html
    assert "a &lt; b" in html and "&amp;" in html


def test_sanitize_html_allow_list():
    html = sanitize_html(
        '<p onclick="x()">a<b>b</b><img src=x><a href="https://e.org" target=_blank>l</a></p>'
    )
    assert (
        html
        == '<p>a<b>b</b><a href="https://e.org" rel="noopener noreferrer">l</a></p>'.replace(
            "<b>b</b>", "b"
        )
    )
