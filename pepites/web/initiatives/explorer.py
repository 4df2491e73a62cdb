"""What every page with the map and its list shares: the filtered first page rendered by the
server, and the configuration the browser's scripts read."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from pepites.initiatives.counts import CountedResults, per_public_version
from pepites.initiatives.mapstore import MapDataUnavailable, current_mapdata
from pepites.initiatives.models import Theme
from pepites.initiatives.selectors import InitiativeResults, Near
from pepites.web.initiatives.cards import Card, render_cards

PAGE_SIZE = 20


def per_data_version(name: str, compute: Callable[[], dict]) -> dict:
    """A figure computed once per version of the published data (counts that read every
    initiative), shared by the processes through the cache."""
    return per_public_version(name, compute)


class CardResults(CountedResults):
    """Results whose pages are cards (pepites/web/initiatives/cards.py)."""

    def __init__(self, results: InitiativeResults, *, near: Near | None = None) -> None:
        super().__init__(results)
        self.near = near

    def __getitem__(self, item: slice) -> list[Card]:  # type: ignore[override]
        return render_cards(ids=self.results.page_ids(item), near=self.near)


def paginate(request: HttpRequest, results: InitiativeResults, *, near: Near | None = None) -> Page:
    """A page of `results` as cards (with their distance from `near`), their total counted
    once per data version."""
    return Paginator(CardResults(results, near=near), PAGE_SIZE).get_page(request.GET.get("page"))


def page_query(request: HttpRequest) -> str:
    """The current query string without `page`, for the pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def messages() -> dict[str, str]:
    """The scripts' sentences, translated here (the scripts hold no text of their own)."""
    return {
        "count_one": _("%(n)s initiative"),
        "count_many": _("%(n)s initiatives"),
        "count_none": _("Aucune initiative ne correspond à ces critères."),
        "jump_one": _("Voir le résultat"),
        "jump_many": _("Voir les %(n)s résultats"),
        "jump_none": _("Aucun résultat"),
        "loading": _("Chargement de la carte…"),
        "map_failed": _(
            "La carte n'a pas pu être chargée. La liste ci-dessous reste complète et les "
            "filtres fonctionnent."
        ),
        "tiles_failed": _(
            "Le fond de carte ne s'affiche pas (service indisponible) ; les initiatives "
            "restent placées sur la carte."
        ),
        "more": _("Afficher %(n)s initiatives de plus"),
        "shown": _("%(shown)s affichées sur %(total)s"),
        "search_failed": _("La recherche n'a pas abouti : réessayez dans un instant."),
        "place_none": _("Aucun lieu trouvé."),
        "place_choose": _("Plusieurs lieux correspondent : choisissez."),
        "place_around": _("Liste ordonnée autour de : %(label)s"),
        "place_me": _("votre position"),
        "geo_denied": _(
            "Votre position n'est pas disponible (autorisation refusée ou appareil sans "
            "localisation) : saisissez une commune ou une adresse."
        ),
        "geo_waiting": _("Recherche de votre position…"),
        "commune_none": _("Aucune commune ne correspond à « %(text)s »."),
        "communes": _("Commune : %(labels)s"),
        "commune_choose": _("Plusieurs communes portent ce nom : précisez laquelle."),
        "quartier": _("Quartier : %(label)s"),
        "cluster": _("%(n)s initiatives : zoomer pour les voir"),
        "link_copied": _("Lien copié."),
        "no_position": _("Cette initiative n'a pas de position sur la carte."),
        "map_label": _("Carte des initiatives"),
        "zoom_in": _("Zoomer"),
        "zoom_out": _("Dézoomer"),
        "close": _("Fermer"),
    }


def theme_palette(themes: list[Theme]) -> list[dict]:
    return [{"slug": t.slug, "label": t.label, "colour": t.colour} for t in themes]


def worker_filters(filters: dict, *, commune_text: str = "") -> dict | None:
    """The filters as the map's worker takes them (see readFilters in explorer.js), from
    filter_published_initiatives' arguments; None when words or a QPV need the server's
    answer first (the ids of /carte/recherche)."""
    if filters.get("query") or filters.get("qpv_code"):
        return None
    near = filters.get("near")
    out = {
        "themes": list(filters.get("themes") or []),
        "region": filters.get("region") or "",
        "departement": filters.get("departement") or "",
        "centre": filters.get("centre") or "",
        "relation": filters.get("qpv_relation") or "",
        "near": [near.latitude, near.longitude] if near else None,
        "radius": near.radius_km if near and near.radius_km else 0,
        "programmes": list(filters.get("programmes") or []),
        "labels": list(filters.get("labels") or []),
    }
    if commune_text:
        out["communeFilter"] = True
        out["communes"] = list(filters.get("commune") or [])
    return out


def map_page_config(
    *,
    themes: list[Theme],
    total: int,
    fixed: dict | None = None,
    page_ids: list[int],
    initial_filters: dict | None = None,
) -> dict:
    """What the map's scripts read. `initial_filters`: those of the list rendered by the
    server, which the worker starts clustering before the page's script asks."""
    try:
        version = current_mapdata().version
    except MapDataUnavailable:  # the list is still served; the map says it failed
        version = "indisponible"
    return {
        "initialFilters": initial_filters if initial_filters is not None else fixed,
        "dataUrl": f"{reverse('map_data')}?v={version}",
        "workerUrl": static("web/map/worker.js"),
        "superclusterUrl": static("vendor/supercluster/supercluster.min.js"),
        "cardsUrl": reverse("map_cards"),
        "searchUrl": reverse("map_search"),
        "qpvSuggestionsUrl": reverse("qpv_suggestions"),
        "placeUrl": reverse("place_search"),
        "themes": theme_palette(themes),
        "pageSize": PAGE_SIZE,
        "total": total,
        "pageIds": page_ids,
        "fixed": fixed or {},
        "messages": messages(),
    }
