"""The import map of the map scripts: each ES module by its (hashed) static URL."""

import json

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# Modules imported by name ("pepites/…") from the pages' scripts.
MAP_MODULES = (
    "cluster-layer",
    "explorer",
    "explorer-filters",
    "explorer-ids",
    "explorer-list",
    "explorer-map",
    "explorer-state",
    "explorer-view",
    "explorer-worker",
    "network-map",
    "small-map",
    "tiles",
)
PRELOADED = ("tiles", "cluster-layer")
# The explorer's own modules (explorer.js imports them): preloaded on the explorer's pages.
EXPLORER_MODULES = (
    "explorer-state",
    "explorer-view",
    "explorer-worker",
    "explorer-list",
    "explorer-map",
    "explorer-ids",
    "explorer-filters",
)


@register.simple_tag(takes_context=True)
def map_importmap(context, explorer: bool = False) -> str:
    """The import map, and a modulepreload of the modules every map page needs (fetched
    side by side with the page's own module instead of after it); `explorer`: also those of
    the explorer (home, themes, centres, embed)."""
    imports = {f"pepites/{name}": static(f"web/map/{name}.js") for name in MAP_MODULES}
    text = json.dumps({"imports": imports}).replace("</", "<\\/")
    preloads = format_html_join(
        "\n",
        '<link rel="modulepreload" href="{}">',
        (
            (imports[f"pepites/{name}"],)
            for name in PRELOADED + (EXPLORER_MODULES if explorer else ())
        ),
    )
    nonce = getattr(context.get("request"), "csp_nonce", "")  # see web/security_headers.py
    return format_html(
        '<script type="importmap" nonce="{}">{}</script>\n{}', nonce, mark_safe(text), preloads
    )
