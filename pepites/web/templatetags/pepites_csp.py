"""What the Content-Security-Policy needs from the templates: the request's nonce, and the
colours of themes and centres as rules of a nonced style element, matched by the element's
`data-colour="#1a2b3c"` (a `style` attribute is inline style, which the policy refuses).

On a page that shared caches keep (pepites/web/caching.py), an inline element carries no
nonce: its sha256 is added to the page's policy instead (`inline_element`)."""

from __future__ import annotations

import base64
import hashlib
import re

from django import template
from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import mark_safe

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
register = template.Library()

COLOUR_RULES_KEY = "web:colour-rules"
COLOUR_RULES_SECONDS = 300


@register.simple_tag(takes_context=True)
def csp_nonce(context) -> str:
    request = context.get("request")
    return getattr(request, "csp_nonce", "")


def inline_element(request, *, tag: str, kind: str, content: str, attributes: str = "") -> str:
    """`<tag attributes nonce="…">content</tag>`, or without the nonce and with the
    content's hash added to the policy's `kind` ("script-src", "style-src") when the page
    is shared-cacheable. `content` must be safe already; `attributes` literal."""
    hashes = getattr(request, "csp_hashes", None)
    if hashes is not None:
        digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
        hashes[kind].add(f"'sha256-{digest}'")
        return mark_safe(f"<{tag}{attributes}>{content}</{tag}>")
    nonce = getattr(request, "csp_nonce", "")
    return format_html(
        '<{}{} nonce="{}">{}</{}>', tag, mark_safe(attributes), nonce, mark_safe(content), tag
    )


class InlineScriptNode(template.Node):
    def __init__(self, nodelist) -> None:
        self.nodelist = nodelist

    def render(self, context) -> str:
        content = self.nodelist.render(context)
        return inline_element(
            context.get("request"), tag="script", kind="script-src", content=content
        )


@register.tag
def inline_script(parser, token):
    """`{% inline_script %}…{% endinline_script %}`: an inline script the policy allows."""
    nodelist = parser.parse(("endinline_script",))
    parser.delete_first_token()
    return InlineScriptNode(nodelist)


def _colour_rules() -> str:
    from pepites.initiatives.models import Theme
    from pepites.network.models import Centre
    from pepites.web.network.views import centre_colours

    colours = {*Theme.objects.values_list("colour", flat=True)}
    colours.update(centre_colours(Centre.objects.count()))
    return "".join(
        f'[data-colour="{colour}" i]{{--theme-colour:{colour};--centre-colour:{colour}}}'
        for colour in sorted({c.lower() for c in colours if COLOUR_RE.match(c)})
    )


@register.simple_tag(takes_context=True)
def colour_styles(context) -> str:
    """A nonced style element with one rule per colour of the themes and centres (kept a
    few minutes in the cache: colours rarely change). Never fails: without the database or
    the cache (an error page), the colours fall back to the accent colour."""
    try:
        rules = cache.get(COLOUR_RULES_KEY)
        if rules is None:
            rules = _colour_rules()
            cache.set(COLOUR_RULES_KEY, rules, COLOUR_RULES_SECONDS)
    except Exception:
        rules = ""
    # The rules are made of validated "#rrggbb" colours only: safe as they are (escaping
    # would turn their quotes into entities, which CSS does not read).
    return inline_element(context.get("request"), tag="style", kind="style-src", content=rules)
