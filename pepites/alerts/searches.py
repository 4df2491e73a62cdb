"""A saved search: the map's filter vocabulary (pepites/initiatives/filters.py) kept as a
normalised query string, described in French, and the initiatives it finds."""

from __future__ import annotations

from datetime import datetime

from django.http import QueryDict
from django.utils.translation import gettext as _

from pepites.initiatives.filters import FilterForm
from pepites.initiatives.models import Initiative
from pepites.initiatives.selectors import filter_published_initiatives

# What a saved search may say (no place or radius: they are a visitor's moment, not a topic).
SAVED_KEYS = (
    "q",
    "thematique",
    "region",
    "departement",
    "commune",
    "centre",
    "quartier",
    "relation",
    "essaimees",
)
MAX_QUERY_LENGTH = 1000


def normalise(data: QueryDict) -> str:
    """The saved keys only, values sorted: the same search always gives the same text."""
    kept = QueryDict(mutable=True)
    for key in SAVED_KEYS:
        values = sorted({" ".join(v.split()) for v in data.getlist(key) if v and v.strip()})
        if values:
            kept.setlist(key, values)
    return kept.urlencode()[:MAX_QUERY_LENGTH]


def search_form(query: str) -> FilterForm:
    form = FilterForm(QueryDict(query))
    form.is_valid()
    return form


def describe(form: FilterForm) -> str:
    """ "Thématique Emploi · Seine-Saint-Denis · dans un QPV · « épicerie »"."""
    data = getattr(form, "cleaned_data", {})
    parts: list[str] = []
    labels = dict(getattr(form.fields["thematique"], "choices", []))
    themes = [str(labels[slug]) for slug in data.get("thematique") or [] if slug in labels]
    if themes:
        parts.append(", ".join(themes))
    for key in ("region", "departement", "centre"):
        value = data.get(key)
        if value:
            parts.append(str(dict(getattr(form.fields[key], "choices", [])).get(value, value)))
    if form.communes and data.get("commune"):
        parts.append(", ".join(commune.name for commune in form.communes))
    if form.chosen_qpv and data.get("quartier"):
        parts.append(form.chosen_qpv.label)
    if data.get("relation"):
        parts.append(
            str(dict(getattr(form.fields["relation"], "choices", [])).get(data["relation"], ""))
        )
    if data.get("q"):
        parts.append(f"« {data['q']} »")
    if data.get("essaimees"):
        parts.append(_("initiatives essaimées"))
    return " · ".join(p for p in parts if p)[:500] or _("Toutes les nouvelles initiatives")


def new_initiatives(
    *,
    query: str,
    since: datetime,
    until: datetime,
    limit: int | None = None,
    among: list[int] | None = None,
) -> list[Initiative]:
    """Published initiatives matching the search, published in (since, until], newest first.
    `among`: the pks of every initiative published in a window containing (since, until],
    read once for all searches (a few hundred a week): each search then looks those rows
    up instead of walking its theme's or territory's thousands."""
    results = filter_published_initiatives(**search_form(query).filters())
    queryset = results.queryset.filter(published_at__gt=since, published_at__lte=until)
    if among is not None:
        queryset = queryset.filter(pk__in=among)
    if results.ranked_ids is not None:
        queryset = queryset.filter(pk__in=results.ranked_ids)
    queryset = queryset.select_related("commune").order_by("-published_at", "-pk")
    return list(queryset[:limit] if limit else queryset)
