"""The essaimage's pieces on shared pages (initiative page, map page), kept out of their
views: "M'en inspirer", "Essaimée dans N territoires", "Inspirée de …", the map's lines."""

import re

from django import template

from pepites.initiatives.inspirations import reproductions_of, sources_of

register = template.Library()
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")


@register.simple_tag
def essaimage_slug(request) -> str:
    """The initiative whose reproductions the map page draws (?essaimage=slug), if valid."""
    slug = request.GET.get("essaimage", "") if request is not None else ""
    return slug if _SLUG.match(slug) else ""


@register.inclusion_tag("web/essaimage/includes/initiative.html")
def initiative_essaimage(initiative) -> dict:
    reproductions = list(reproductions_of(initiative=initiative))
    points = [
        {"lat": i.latitude, "lon": i.longitude, "label": f"{i.title} ({i.commune.name})"}
        for i in reproductions
        if i.latitude is not None and i.longitude is not None
    ]
    source_point = None
    if points and initiative.latitude is not None and initiative.longitude is not None:
        source_point = {
            "lat": initiative.latitude,
            "lon": initiative.longitude,
            "label": initiative.title,
        }
    return {
        "initiative": initiative,
        "reproductions": reproductions,
        "territories": len({i.commune_id for i in reproductions}),
        "sources": list(sources_of(initiative=initiative)),
        "lines": {"source": source_point, "points": points} if source_point else None,
    }
