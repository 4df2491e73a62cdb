"""The import map of the map scripts: each ES module by its (hashed) static URL."""

import json

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Modules imported by name ("pepites/…") from the pages' scripts.
MAP_MODULES = ("cluster-layer", "explorer", "network-map", "small-map", "tiles")


@register.simple_tag
def map_importmap() -> str:
    imports = {f"pepites/{name}": static(f"web/map/{name}.js") for name in MAP_MODULES}
    text = json.dumps({"imports": imports}).replace("</", "<\\/")
    return format_html('<script type="importmap">{}</script>', mark_safe(text))
