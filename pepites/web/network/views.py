"""Public pages of the network: the directory of the centres, a centre, the network's map."""

from __future__ import annotations

import colorsys

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from pepites.initiatives.mapdata import read_departement_centres
from pepites.initiatives.models import Theme
from pepites.initiatives.selectors import (
    filter_published_initiatives,
    published_counts_by_centre,
)
from pepites.network.models import Centre
from pepites.network.selectors import coverage_by_departement, get_centre
from pepites.web.caching import shared_cache
from pepites.web.initiatives.explorer import (
    map_page_config,
    page_query,
    paginate,
    per_data_version,
)


def centre_colours(count: int) -> list[str]:
    """Distinct, dark enough hues (white text and 3:1 against the map) for the network map."""
    colours = []
    for i in range(count):
        hue = (i * 0.618034) % 1.0
        r, g, b = colorsys.hls_to_rgb(hue, 0.36, 0.75)
        colours.append(f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}")
    return colours


@shared_cache
def centre_list(request: HttpRequest) -> HttpResponse:
    counts = per_data_version("centre-counts", published_counts_by_centre)
    centres = list(Centre.objects.prefetch_related("departements").order_by("name"))
    for centre in centres:
        centre.published_count = counts.get(centre.pk, 0)  # type: ignore[attr-defined]
    colours = dict(zip((c.pk for c in centres), centre_colours(len(centres)), strict=True))
    for centre in centres:
        centre.colour = colours[centre.pk]  # type: ignore[attr-defined]
    by_pk = {c.pk: c for c in centres}
    prefectures = read_departement_centres()
    points = []
    uncovered = []
    for code, name, centre_pks in coverage_by_departement():
        covering = [by_pk[pk] for pk in centre_pks if pk in by_pk]
        if not covering:
            uncovered.append({"code": code, "name": name})
        if code not in prefectures:
            continue
        lat, lon = prefectures[code]
        points.append(
            {
                "code": code,
                "name": name,
                "lat": lat,
                "lon": lon,
                "colour": covering[0].colour if covering else "#6b6b6b",  # type: ignore[attr-defined]
                "centres": [
                    {"name": c.name, "url": reverse("centre_detail", kwargs={"slug": c.slug})}
                    for c in covering
                ],
            }
        )
    return render(
        request,
        "web/network/centre_list.html",
        {
            "centres": centres,
            "uncovered": uncovered,
            "network_map": {
                "points": points,
                "label": _("Carte du réseau : les départements et leur centre de ressources"),
                "national": _("Équipe nationale (aucun centre)"),
            },
        },
    )


@shared_cache
def centre_detail(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_centre(slug=slug)
    if centre is None:
        raise Http404(_("Ce centre de ressources n'existe pas."))
    themes = list(Theme.objects.order_by("position", "label"))
    page = paginate(request, filter_published_initiatives(centre=centre.slug))
    return render(
        request,
        "web/network/centre_detail.html",
        {
            "centre": centre,
            "departements": list(centre.departements.all()),
            "page": page,
            "total": page.paginator.count,
            "page_query": page_query(request),
            "map_page": map_page_config(
                themes=themes,
                total=page.paginator.count,
                fixed={"centre": centre.slug},
                page_ids=[i.pk for i in page.object_list],
            ),
        },
    )
