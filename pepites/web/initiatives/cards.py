"""The list's cards, rendered once per version of the public data and kept in the cache.

A card is the same HTML on the home page, a theme, a centre, the embed and the map's "more"
answers; rendering twenty of them and reading their themes, labels and programmes cost more
than the rest of a page. A page now reads its ids, asks the cache for their cards in one
call, and reads and renders only the cards the cache does not hold. A new data version
(pepites/core/dataversion.py) makes new keys, so a change shows at once. Cards with a
distance (ordered around a place) depend on the request: always rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from pepites.core import dataversion
from pepites.initiatives.places import set_distances
from pepites.initiatives.selectors import Near, cards_for_ids

CARD_TEMPLATE = "web/initiatives/includes/card.html"
KEEP_SECONDS = 24 * 3600  # a new data version makes new keys anyway


@dataclass(frozen=True)
class Card:
    pk: int
    title: str
    html: SafeString


def render_cards(
    *, ids: list[int], near: Near | None = None, mark_first: bool = True
) -> list[Card]:
    """The cards of the published initiatives among `ids`, in that order (with
    `mark_first`, the first one marked for the page's first-card timing)."""
    if not ids:
        return []
    prefix = dataversion.versioned_key("card", get_language() or "")  # once: one read
    first = ids[0] if mark_first else None
    keys = {pk: f"{prefix}:{int(pk == first)}:{pk}" for pk in ids}
    held = cache.get_many(list(keys.values())) if near is None else {}
    found = {pk: held[key] for pk, key in keys.items() if key in held}  # (title, html)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        initiatives = cards_for_ids(ids=missing)
        set_distances(initiatives, near=near)
        fresh = {
            initiative.pk: (
                initiative.title,
                render_to_string(
                    CARD_TEMPLATE, {"initiative": initiative, "first": initiative.pk == first}
                ),
            )
            for initiative in initiatives
        }
        if near is None:
            cache.set_many({keys[pk]: card for pk, card in fresh.items()}, KEEP_SECONDS)
        found.update(fresh)
    # Cards come from our own template, escaped when rendered.
    return [
        Card(pk=pk, title=found[pk][0], html=mark_safe(found[pk][1])) for pk in ids if pk in found
    ]
