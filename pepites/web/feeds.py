"""Atom feeds of newly published initiatives: all of them, or those of a theme, a centre,
a département or a région; and the discovery files (sitemap.xml, robots.txt)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem  # type: ignore[attr-defined]  # not in the stubs
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pepites.core import dataversion
from pepites.core.siteurl import site_url
from pepites.initiatives.filters import FilterForm
from pepites.initiatives.models import Initiative, Theme
from pepites.initiatives.selectors import filter_published_initiatives, published_initiatives
from pepites.network.models import Centre
from pepites.territories.models import Departement, Region
from pepites.territories.selectors import current_qpvs

FEED_SIZE = 50
FEED_KEEP_SECONDS = 24 * 3600  # a new data version makes new keys anyway
FEED_FIELDS = (
    "uid",
    "slug",
    "title",
    "summary",
    "status",
    "published_at",
    "updated_at",
    "commune__name",
    "centre__name",
)


class InitiativesFeed(Feed):
    """The newest publications first; entries identified by the initiative's uid.

    A feed's bytes depend only on its address and the public data: written once per data
    version (and code version, site address, language) and kept in the cache, like the
    open-data files, since readers poll them far more often than the data changes."""

    feed_type = Atom1Feed
    author_name = "Pépites"

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = dataversion.versioned_key(
            "feed", get_language() or "", site_url(request), request.get_full_path()
        )
        kept = cache.get(key)
        if kept is None:
            response = super().__call__(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            kept = (response.content, response["Content-Type"], response.get("Last-Modified"))
            cache.set(key, kept, FEED_KEEP_SECONDS)
        content, content_type, last_modified = kept
        response = HttpResponse(content, content_type=content_type)
        if last_modified:
            response["Last-Modified"] = last_modified
        return response

    def get_object(self, request: HttpRequest, *args, **kwargs):
        return None

    def title(self, obj) -> str:
        return _("Pépites — nouvelles initiatives")

    def subtitle(self, obj) -> str:
        return _(
            "Les initiatives économiques dans et pour les quartiers prioritaires, repérées par "
            "les centres de ressources politique de la ville."
        )

    def link(self, obj) -> str:
        return reverse("home")

    def feed_url(self, obj) -> str:
        return site_url() + self.path(obj)

    def path(self, obj) -> str:
        return reverse("feed_initiatives")

    def filter(self, queryset: QuerySet[Initiative], obj) -> QuerySet[Initiative]:
        return queryset

    def items(self, obj) -> list[Initiative]:
        queryset = (
            self.filter(published_initiatives(), obj)
            .select_related("commune", "centre")
            .prefetch_related(
                Prefetch("themes", queryset=Theme.objects.only("label")),
                Prefetch(
                    "inspiration_links__source",
                    queryset=Initiative.objects.only("title", "status"),
                ),
            )
            # What an entry shows: a whole row is twice the work for fifty entries.
            .only(*FEED_FIELDS)
        )
        # Dated ones newest first, read in the list index's order (PostgreSQL sorts every
        # row for "NULLS LAST"), then any without a date.
        items = list(
            queryset.filter(published_at__isnull=False).order_by("-published_at", "-pk")[:FEED_SIZE]
        )
        if len(items) < FEED_SIZE:
            undated = queryset.filter(published_at=None).order_by("-pk")
            items += list(undated[: FEED_SIZE - len(items)])
        return items

    def item_title(self, item: Initiative) -> str:
        return f"{item.title} — {item.commune.name}"

    def item_description(self, item: Initiative) -> str:
        sources = [
            link.source.title
            for link in item.inspiration_links.all()
            if link.source.status == item.status
        ]
        if not sources:
            return item.summary
        return f"{item.summary}\n\n" + _("Inspirée de : %(titles)s") % {
            "titles": ", ".join(sorted(sources))
        }

    def item_link(self, item: Initiative) -> str:
        return reverse("initiative_detail", kwargs={"slug": item.slug})

    def item_guid(self, item: Initiative) -> str:
        return f"urn:uuid:{item.uid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Initiative):
        return item.published_at

    def item_updateddate(self, item: Initiative):
        return item.updated_at

    def item_author_name(self, item: Initiative) -> str:
        return item.centre.name if item.centre else _("Équipe nationale")

    def item_categories(self, item: Initiative) -> list[str]:
        return [theme.label for theme in item.themes.all()]

    def item_copyright(self, item: Initiative) -> str:
        return _("Licence Ouverte 2.0")


class ThemeFeed(InitiativesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Theme:
        theme = Theme.objects.filter(slug=slug).first()
        if theme is None:
            raise Http404(_("Cette thématique n'existe pas."))
        return theme

    def title(self, obj: Theme) -> str:
        return _("Pépites — nouvelles initiatives : %(theme)s") % {"theme": obj.label}

    def link(self, obj: Theme) -> str:
        return reverse("theme_detail", kwargs={"slug": obj.slug})

    def path(self, obj: Theme) -> str:
        return reverse("feed_theme", kwargs={"slug": obj.slug})

    def filter(self, queryset, obj: Theme):
        # EXISTS rather than a join and DISTINCT: read in the list's order (see
        # filter_published_initiatives).
        links = Initiative.themes.through.objects.filter(initiative_id=OuterRef("pk"), theme=obj)
        return queryset.filter(Exists(links))


class CentreFeed(InitiativesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Centre:
        centre = Centre.objects.filter(slug=slug).first()
        if centre is None:
            raise Http404(_("Ce centre n'existe pas."))
        return centre

    def title(self, obj: Centre) -> str:
        return _("Pépites — nouvelles initiatives suivies par %(centre)s") % {"centre": obj.name}

    def link(self, obj: Centre) -> str:
        return reverse("centre_detail", kwargs={"slug": obj.slug})

    def path(self, obj: Centre) -> str:
        return reverse("feed_centre", kwargs={"slug": obj.slug})

    def filter(self, queryset, obj: Centre):
        return queryset.filter(centre=obj)


class SetFeed(InitiativesFeed):
    """The initiatives of a programme or with a label (granted or derived), through the
    filter vocabulary: the same answer as the map's `?programme=` or `?label=`."""

    parameter = ""  # "programme" or "label"
    url_name = ""

    def get_object(self, request: HttpRequest, slug: str) -> tuple[str, str]:
        choices = getattr(FilterForm().fields[self.parameter], "choices", [])
        name = dict(choices).get(slug)
        if name is None:
            raise Http404(_("Ce programme ou ce label n'existe pas."))
        return slug, str(name)

    def title(self, obj) -> str:
        return _("Pépites — nouvelles initiatives : %(name)s") % {"name": obj[1]}

    def link(self, obj) -> str:
        return reverse("home") + f"?{self.parameter}={obj[0]}"

    def path(self, obj) -> str:
        return reverse(self.url_name, kwargs={"slug": obj[0]})

    def filter(self, queryset, obj):
        key = "programmes" if self.parameter == "programme" else "labels"
        return queryset.filter(pk__in=filter_published_initiatives(**{key: [obj[0]]}).queryset)


class ProgrammeFeed(SetFeed):
    parameter, url_name = "programme", "feed_programme"


class LabelFeed(SetFeed):
    parameter, url_name = "label", "feed_label"


class DepartementFeed(InitiativesFeed):
    def get_object(self, request: HttpRequest, code: str) -> Departement:
        departement = Departement.objects.filter(code=code.upper()).first()
        if departement is None:
            raise Http404(_("Ce département n'existe pas."))
        return departement

    def title(self, obj: Departement) -> str:
        return _("Pépites — nouvelles initiatives : %(name)s (%(code)s)") % {
            "name": obj.name,
            "code": obj.code,
        }

    def link(self, obj: Departement) -> str:
        return reverse("home") + f"?departement={obj.code}"

    def path(self, obj: Departement) -> str:
        return reverse("feed_departement", kwargs={"code": obj.code})

    def filter(self, queryset, obj: Departement):
        return queryset.filter(commune__departement=obj)


class RegionFeed(InitiativesFeed):
    def get_object(self, request: HttpRequest, code: str) -> Region:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404(_("Cette région n'existe pas."))
        return region

    def title(self, obj: Region) -> str:
        return _("Pépites — nouvelles initiatives : %(name)s") % {"name": obj.name}

    def link(self, obj: Region) -> str:
        return reverse("home") + f"?region={obj.code}"

    def path(self, obj: Region) -> str:
        return reverse("feed_region", kwargs={"code": obj.code})

    def filter(self, queryset, obj: Region):
        return queryset.filter(commune__region=obj)


# --- Sitemap and robots.txt -----------------------------------------------------------------


class _SiteUrlSitemap(Sitemap):
    """Addresses on SITE_URL, whatever host the request came through."""

    limit = 10_000

    def get_domain(self, site=None) -> str:
        return urlsplit(site_url()).netloc

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(site_url()).scheme or "https"


class PagesSitemap(_SiteUrlSitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["home", "theme_list", "centre_list", "qpv_list", "open_data"]

    def location(self, item: str) -> str:
        return reverse(item)


class InitiativesSitemap(_SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return published_initiatives().only("slug", "updated_at").order_by("pk")

    def location(self, item: Initiative) -> str:
        return reverse("initiative_detail", kwargs={"slug": item.slug})

    def lastmod(self, item: Initiative):
        return item.updated_at


class ThemesSitemap(_SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return Theme.objects.order_by("position", "slug")

    def location(self, item: Theme) -> str:
        return reverse("theme_detail", kwargs={"slug": item.slug})


class CentresSitemap(_SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return Centre.objects.order_by("slug")

    def location(self, item: Centre) -> str:
        return reverse("centre_detail", kwargs={"slug": item.slug})


class QpvSitemap(_SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return current_qpvs().only("code").order_by("code")

    def location(self, item) -> str:
        return reverse("qpv_detail", kwargs={"code": item.code})


SITEMAPS = {
    "pages": PagesSitemap,
    "initiatives": InitiativesSitemap,
    "thematiques": ThemesSitemap,
    "centres": CentresSitemap,
    "quartiers": QpvSitemap,
}


@require_GET
def sitemap_index(request: HttpRequest) -> TemplateResponse:
    """The index of the sitemaps, with SITE_URL addresses (Django's own uses the request's
    host, which behind a proxy may not be the public one)."""
    items = []
    for section, sitemap_class in SITEMAPS.items():
        location = site_url() + reverse("sitemap_section", kwargs={"section": section})
        pages = sitemap_class().paginator.num_pages
        items.append(SitemapIndexItem(location, None))
        items += [SitemapIndexItem(f"{location}?p={page}", None) for page in range(2, pages + 1)]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )


ROBOTS_DISALLOW = ("/admin/", "/espace/", "/api/", "/embed/", "/carte/", "/recherche/")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {site_url()}{reverse('sitemap_index')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
