"""Atom feed of the library: the newest resources and articles of L'Éco des quartiers."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from pepites.core.siteurl import site_url
from pepites.insights.library import LibraryItem, library_items
from pepites.resources.selectors import ResourceFilters

FEED_SIZE = 50


class ResourcesFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Pépites"

    def title(self) -> str:
        return _("Pépites — nouvelles ressources des centres")

    def subtitle(self) -> str:
        return _(
            "Études, guides, fiches expérience, comptes rendus et articles de L'Éco des "
            "quartiers produits par les centres de ressources politique de la ville."
        )

    def link(self) -> str:
        return reverse("resource_list")

    def feed_url(self) -> str:
        return site_url() + reverse("feed_resources")

    def items(self) -> list[LibraryItem]:
        return library_items(filters=ResourceFilters(), limit=FEED_SIZE)[0]

    def item_title(self, item: LibraryItem) -> str:
        return f"{item.title} — {item.kind_label}"

    def item_description(self, item: LibraryItem) -> str:
        return item.summary

    def item_link(self, item: LibraryItem) -> str:
        return item.url

    def item_guid(self, item: LibraryItem) -> str:
        if item.resource is not None:
            return f"urn:uuid:{item.resource.uid}"
        return site_url() + item.url

    item_guid_is_permalink = False

    def item_author_name(self, item: LibraryItem) -> str:
        return item.authors or ", ".join(item.centres)
