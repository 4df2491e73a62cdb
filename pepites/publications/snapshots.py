"""What an issue shows of a featured initiative, frozen as JSON at publication (a read:
the services store it, the pages and the PDF show it)."""

from __future__ import annotations

from typing import Any

from pepites.initiatives.models import Initiative


def snapshot_initiative(initiative: Initiative) -> dict[str, Any]:
    """The fields an issue shows of an initiative, frozen as JSON."""
    from pepites.territories.models import Qpv

    qpv_links = list(initiative.qpv_links.all())
    qpv_names = dict(
        Qpv.objects.filter(code__in=[q.qpv_code for q in qpv_links]).values_list("code", "name")
    )
    themes = sorted(
        initiative.themes.all(), key=lambda t: (t.pk != initiative.principal_theme_id, t.position)
    )
    commune = initiative.commune
    # The first visible photo (read from a prefetch when there is one): its small rendition is
    # what a card prints.
    photos = sorted(
        (i for i in initiative.images.all() if not i.is_hidden), key=lambda i: i.position
    )
    photo = photos[0] if photos else None
    return {
        "uid": str(initiative.uid),
        "slug": initiative.slug,
        "title": initiative.title,
        "summary": initiative.summary,
        "porteur": initiative.porteur_name,
        "porteur_kind": initiative.get_porteur_kind_display(),
        "commune": {
            "code": commune.code,
            "name": commune.name,
            "departement_code": commune.departement_id,
        },
        "qpv": [
            {
                "code": q.qpv_code,
                "name": qpv_names.get(q.qpv_code, ""),
                "relation": q.relation,
                "relation_label": q.get_relation_display(),
            }
            for q in sorted(qpv_links, key=lambda q: q.qpv_code)
        ],
        "themes": [{"slug": t.slug, "label": t.label, "colour": t.colour} for t in themes],
        "centre": (
            {"slug": initiative.centre.slug, "name": initiative.centre.name}
            if initiative.centre is not None
            else None
        ),
        "is_demo": initiative.is_demo,
        "version": initiative.version,
        "photo": (
            {"name": photo.small.name, "alt": photo.alt_text, "credits": photo.credits}
            if photo is not None
            else None
        ),
        # Drawn on the cover's map (publications/cover_map.py).
        "point": (
            [initiative.latitude, initiative.longitude]
            if initiative.latitude is not None and initiative.longitude is not None
            else None
        ),
    }
