"""Public pages of the initiatives domain: an initiative, the themes, and the small JSON and
HTML answers the map page asks for while a visitor filters."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from pepites.core.siteurl import site_url
from pepites.initiatives.figures.selectors import timeline
from pepites.initiatives.filters import FilterForm, parse_point
from pepites.initiatives.labels.selectors import badges_for
from pepites.initiatives.models import Theme
from pepites.initiatives.places import find_place
from pepites.initiatives.selectors import (
    filter_published_initiatives,
    get_published_initiative,
    published_counts_by_theme,
)
from pepites.territories.selectors import qpv_names
from pepites.web.caching import shared_cache
from pepites.web.initiatives.cards import render_cards
from pepites.web.initiatives.explorer import (
    map_page_config,
    page_query,
    paginate,
    per_data_version,
)
from pepites.web.initiatives.idlists import delta_encode

MAX_CARDS = 100
MAX_QUERY_LENGTH = 200
# As GZipMiddleware reads Accept-Encoding.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def absolute(path: str) -> str:
    return site_url() + path


@shared_cache
def initiative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = get_published_initiative(slug=slug)
    if initiative is None:
        raise Http404(_("Aucune initiative publiée ne porte cette adresse."))
    themes = sorted(
        initiative.themes.all(), key=lambda t: (t.pk != initiative.principal_theme_id, t.position)
    )
    qpv_links = list(initiative.qpv_links.all())
    names = qpv_names(link.qpv_code for link in qpv_links)
    qpvs = [
        {"code": link.qpv_code, "name": names.get(link.qpv_code, ""), "link": link}
        for link in sorted(qpv_links, key=lambda link: (link.relation, link.distance_m or 0))
    ]
    url = absolute(request.path)
    share_text = quote(initiative.title)
    share = {
        "email": f"mailto:?subject={share_text}&body={quote(url)}",
        "linkedin": f"https://www.linkedin.com/sharing/share-offsite/?url={quote(url, safe='')}",
        "facebook": f"https://www.facebook.com/sharer/sharer.php?u={quote(url, safe='')}",
        "mastodon": f"https://mastodon.social/share?text={share_text}%20{quote(url, safe='')}",
    }
    point = None
    if initiative.latitude is not None and initiative.longitude is not None:
        point = {
            "lat": initiative.latitude,
            "lon": initiative.longitude,
            "colour": initiative.principal_theme.colour,
            "label": initiative.title,
        }
    figures_years, figures_rows = timeline(initiative=initiative)
    return render(
        request,
        "web/initiatives/detail.html",
        {
            "badges": badges_for([initiative.pk]).get(initiative.pk, []),
            "figures_years": figures_years,
            "figures_rows": figures_rows,
            "initiative": initiative,
            "themes": themes,
            "qpvs": qpvs,
            "centre": initiative.centre,
            "links": list(initiative.links.all()),
            "share": share,
            "page_url": url,
            "point": point,
        },
    )


# --- Themes ---------------------------------------------------------------------------------


def themes_with_counts() -> list[Theme]:
    counts = per_data_version("theme-counts", published_counts_by_theme)
    themes = list(Theme.objects.order_by("position", "label"))
    for theme in themes:
        theme.published_count = counts.get(theme.pk, 0)
    return themes


@shared_cache
def theme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/initiatives/theme_list.html", {"themes": themes_with_counts()})


@shared_cache
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    themes = themes_with_counts()
    theme = next((t for t in themes if t.slug == slug), None)
    if theme is None:
        raise Http404(_("Cette thématique n'existe pas."))
    page = paginate(request, filter_published_initiatives(themes=[theme.slug]))
    return render(
        request,
        "web/initiatives/theme_detail.html",
        {
            "theme": theme,
            "page": page,
            "total": page.paginator.count,
            "page_query": page_query(request),
            "map_page": map_page_config(
                themes=themes,
                total=page.paginator.count,
                fixed={"themes": [theme.slug]},
                page_ids=[i.pk for i in page.object_list],
            ),
        },
    )


# --- Answers to the map page's scripts ----------------------------------------------------


def _ids(text: str) -> list[int]:
    ids = []
    for part in (text or "").split(",")[:MAX_CARDS]:
        part = part.strip()
        if part.isdigit():
            ids.append(int(part))
    return ids


@require_GET
def map_cards(request: HttpRequest) -> HttpResponse:
    """The list's cards for the ids given, in their order, as HTML (the same template as
    the page rendered by the server)."""
    cards = render_cards(
        ids=_ids(request.GET.get("ids", "")),
        near=parse_point(request.GET.get("pres", "")[:40]),
        mark_first=False,
    )
    return HttpResponse(
        "".join(card.html for card in cards), content_type="text/html; charset=utf-8"
    )


@require_GET
@gzip_page
def map_search(request: HttpRequest) -> JsonResponse:
    """Ids of the published initiatives matching the words and/or the QPV, best first (the
    browser combines them with the other filters), as `ids_delta` (docs/format-carte.md).

    `quartier` (with `relation`, and the `region`/`departement` that narrow a name): read by
    the map's filter vocabulary; the data file knows whether an initiative is in, near or
    for *a* QPV, not which, so the server answers for one. An unknown QPV is reported in
    `message` and ignored (`quartier`: null), as on the page rendered by the server."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    answer: dict = {"query": query, "count": 0, "ids_delta": [], "quartier": None, "message": ""}
    qpv_code = relation = ""
    if request.GET.get("quartier", "").strip():
        form = FilterForm(request.GET, themes=[])
        form.is_valid()
        if form.chosen_qpv is not None:
            qpv_code = form.chosen_qpv.code
            relation = form.cleaned_data.get("relation") or ""
            answer["quartier"] = {"code": qpv_code, "label": form.chosen_qpv.label}
        answer["message"] = " ".join(form.errors.get("quartier", []))
    # "essaimees": the initiatives reproduced elsewhere, combined like the words.
    essaimees = request.GET.get("essaimees") in ("1", "on")
    if qpv_code or essaimees:
        answer.update(
            _found(query=query, qpv_code=qpv_code, qpv_relation=relation, essaimees=essaimees)
        )
    elif query:
        return _words_answer(request, answer)
    return JsonResponse(answer)


def _words_answer(request: HttpRequest, answer: dict) -> HttpResponse:
    """Words alone, the common question. A common word matches tens of thousands of
    initiatives: the answer is kept, encoded and compressed, per version of the data
    (shared by the processes through the cache)."""

    def encoded() -> dict:
        body = json.dumps({**answer, **_found(query=answer["query"])}).encode()
        return {"json": body, "gzip": compress_string(body)}

    key = hashlib.sha256(json.dumps(answer).encode()).hexdigest()[:32]  # words and message
    bodies = per_data_version(f"map-search:{key}", encoded)
    if not ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(bodies["json"], content_type="application/json")
    else:
        response = HttpResponse(bodies["gzip"], content_type="application/json")
        response.headers["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _found(**filters: Any) -> dict:
    """Every match, delta-encoded (see idlists), and their number."""
    ids = filter_published_initiatives(**filters).ids()
    return {"count": len(ids), "ids_delta": delta_encode(ids)}


@require_GET
def place_search(request: HttpRequest) -> JsonResponse:
    """/recherche/lieu?q=…: communes and postal codes offline, addresses through the BAN.
    `communes=1` stops at the communes (the commune filter)."""
    only_communes = request.GET.get("communes") == "1"
    found = find_place(text=request.GET.get("q", ""), geocode=not only_communes)
    status = 503 if found.unavailable else 200
    return JsonResponse(found.as_json(), status=status)
