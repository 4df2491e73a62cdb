"""Reads of the initiatives domain."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pepites.initiatives.labels.models import InitiativeLabel, Programme
from pepites.initiatives.labels.selectors import labels_filter, programmes_filter
from pepites.initiatives.models import (
    Initiative,
    InitiativeInspiration,
    InitiativeQpv,
    InitiativeStatus,
    QpvPlacement,
    QpvRelation,
    Theme,
)
from pepites.initiatives.search_documents import KIND
from pepites.network.models import Centre
from pepites.search.selectors import search_ids, search_kinds
from pepites.territories.models import Commune


def published_initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.filter(status=InitiativeStatus.PUBLISHED)


def list_themes() -> QuerySet[Theme]:
    """Themes in their editorial order, with their count of published initiatives."""
    return Theme.objects.annotate(
        published_count=Count(
            "initiatives", filter=Q(initiatives__status=InitiativeStatus.PUBLISHED), distinct=True
        )
    ).order_by("position", "label")


def get_published_initiative(*, slug: str) -> Initiative | None:
    return (
        published_initiatives()
        .select_related("commune__departement__region", "centre", "principal_theme", "organisation")
        .prefetch_related("themes", "links", "qpv_links")
        .filter(slug=slug)
        .first()
    )


# --- The public list and its filters ------------------------------------------------------

# The list's default order, shared by the SQL list and the map's data file (whose rows come
# in this order), so that the page rendered by the server and the one the browser builds
# agree: newest publications first, then the most recent records.
# (Index "initiative_list_order"; publishing always stamps published_at.)
LIST_ORDER = ("-published_at", "-pk")
# Ids asked of the search for a list's first count (a page of results, and a few more).
SEARCH_HEAD = 20


def with_card_data(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """What a card shows (title, porteur, commune, themes, summary, labels and programmes,
    the number of its published reproductions) in five queries a page."""
    reproductions = (
        InitiativeInspiration.objects.filter(
            source_id=OuterRef("pk"), reproduction__status=InitiativeStatus.PUBLISHED
        )
        .order_by()
        .values("source_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = queryset.annotate(
        reproduction_count=Coalesce(Subquery(reproductions), Value(0), output_field=IntegerField())
    )
    return queryset.select_related("commune__departement", "principal_theme").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position", "label")),
        Prefetch(
            "label_grants",
            queryset=InitiativeLabel.objects.select_related("label").order_by(
                "label__position", "label__name"
            ),
        ),
        Prefetch("programmes", queryset=Programme.objects.order_by("position", "name")),
    )


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    radius_km: float | None = None  # only the initiatives within it ("Autour d'un lieu")


KM_PER_DEGREE = 111.32


def _radius_degrees_squared(near: Near) -> float | None:
    """The radius as the squared equirectangular distance the queries compare with."""
    return (near.radius_km / KM_PER_DEGREE) ** 2 if near.radius_km else None


class InitiativeResults:
    """A filtered list of published initiatives that a Paginator can page through.

    Either a query set in SQL order, or ranked ids (text search), fetched a page at a time.
    With `query` alone (words, no other filter), the search is asked for what is used: the
    count and the ids of the pages read, not every match (a common word has tens of
    thousands); `ranked_ids` and `ids()` still give every match.
    """

    def __init__(
        self,
        queryset: QuerySet[Initiative],
        ranked_ids: list[int] | None = None,
        *,
        query: str = "",
    ) -> None:
        self.queryset = queryset
        self._ranked = ranked_ids
        self._query = query if ranked_ids is None else ""
        self._head: list[int] = []  # the best ids, as far as a page asked
        self._total: int | None = None

    @property
    def ranked_ids(self) -> list[int] | None:
        if self._ranked is None and self._query:
            self._ranked = search_initiative_ids(query=self._query)
        return self._ranked

    def _search(self, limit: int) -> None:
        group = search_kinds(query=self._query, kinds=[KIND], limit=max(limit, 1))[KIND]
        self._head, self._total = group.ids, group.total

    def count(self) -> int:
        if self._ranked is not None:
            return len(self._ranked)
        if self._query:
            if self._total is None:
                self._search(SEARCH_HEAD)
            return self._total or 0
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[Initiative]:
        return cards_for_ids(ids=self.page_ids(item))

    def page_ids(self, item: slice) -> list[int]:
        """The ids of a slice of the results, in their order."""
        if not isinstance(item, slice):
            raise TypeError("InitiativeResults only supports slices")
        if self._ranked is None and self._query:
            stop = item.stop if item.stop is not None else self.count()
            if self._total is None or (len(self._head) < min(stop, self._total)):
                self._search(stop)
            return self._head[item]
        if self.ranked_ids is None:
            # Keys first, then the cards: the sort carries narrow rows, not whole ones.
            return list(self.queryset.values_list("pk", flat=True)[item])
        return self.ranked_ids[item]

    def ids(self) -> list[int]:
        if self.ranked_ids is not None:
            return list(self.ranked_ids)
        return list(self.queryset.values_list("pk", flat=True))


def cards_for_ids(*, ids: list[int]) -> list[Initiative]:
    """Published initiatives with their card data, in the order of `ids` (unknown skipped)."""
    found = {i.pk: i for i in with_card_data(published_initiatives().filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def communes_and_arrondissements(codes: Iterable[str]) -> list[str]:
    """The codes given and those of their arrondissements municipaux (Paris, Lyon…)."""
    codes = list(codes)
    return codes + list(Commune.objects.filter(parent_id__in=codes).values_list("code", flat=True))


def _distance_order(queryset: QuerySet[Initiative], near: Near) -> QuerySet[Initiative]:
    """Nearest first: squared equirectangular distance, exact enough to sort, and plain SQL
    arithmetic that SQLite and PostgreSQL both compute."""
    scale = math.cos(math.radians(near.latitude))
    dlat = F("latitude") - Value(near.latitude)
    dlon = (F("longitude") - Value(near.longitude)) * Value(scale)
    distance = ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())
    queryset = queryset.annotate(distance=distance)
    limit = _radius_degrees_squared(near)
    if limit is not None:
        queryset = queryset.filter(distance__lte=limit)
    return queryset.order_by(F("distance").asc(nulls_last=True), *LIST_ORDER)


def search_initiative_ids(
    *, query: str, limit: int | None = None, published_only: bool = True
) -> list[int]:
    """Ids of the initiatives matching the words of `query`, most relevant first (every
    match with limit=None; see pepites.search.selectors.search_ids)."""
    return search_ids(query=query, kind=KIND, limit=limit, public_only=published_only)


def search_initiatives(*, query: str, limit: int = 50) -> list[Initiative]:
    """The published initiatives matching `query`, most relevant first."""
    ids = search_initiative_ids(query=query, limit=limit)
    found = (
        published_initiatives()  # (unpublished meanwhile: the index follows at commit)
        .filter(pk__in=ids)
        .select_related("commune", "principal_theme", "centre")
        .in_bulk()
    )
    return [found[pk] for pk in ids if pk in found]


def _search_ids(query: str) -> list[int]:
    return search_initiative_ids(query=query, limit=None, published_only=True)


def filter_published_initiatives(
    *,
    themes: Iterable[str] = (),
    region: str = "",
    departement: str = "",
    commune: str | Iterable[str] = (),
    centre: str = "",
    in_qpv: bool = False,
    qpv_code: str = "",
    qpv_relation: str = "",
    query: str = "",
    near: Near | None = None,
    essaimees: bool = False,
    programmes: Iterable[str] = (),
    labels: Iterable[str] = (),
) -> InitiativeResults:
    """The published initiatives matching every filter given (several themes: any of them).

    `commune`: INSEE codes; a city with arrondissements municipaux includes them.
    `qpv_code`, `qpv_relation`: a QPV and/or a relation to the QPV ("dans", "proximite",
    "pour", "hors"), as filter_initiatives_by_qpv below reads them;
    `in_qpv` is the older spelling of `qpv_relation="dans"`. `query`: words, ranked by the
    search module (the order of the results unless `near` is given). `near`: nearest
    first. Otherwise newest first (LIST_ORDER). `essaimees`: only the initiatives with a
    published reproduction ("inspirée de" links).
    """
    queryset = published_initiatives()
    if essaimees:
        queryset = queryset.filter(
            pk__in=InitiativeInspiration.objects.filter(
                reproduction__status=InitiativeStatus.PUBLISHED
            ).values("source_id")
        )
    theme_slugs = [slug for slug in themes if slug]
    if theme_slugs:
        # A correlated EXISTS, not `pk IN (…)`: a theme holds a large share of the
        # initiatives, and both databases then walk the list order's index and stop at the
        # page's last row instead of sorting every match (0.2 s at 100,000 on SQLite).
        queryset = queryset.filter(
            Exists(
                Initiative.themes.through.objects.filter(
                    initiative_id=OuterRef("pk"), theme__slug__in=theme_slugs
                )
            )
        )
    # Territories through the communes' codes: the initiatives' commune index does the rest.
    if region:
        # EXISTS, as for themes: a région may hold a fifth of the initiatives (walk the
        # list's order, 0.2 ms) or half a percent (15 ms), never the 80 ms of a big sort.
        queryset = queryset.filter(
            Exists(Commune.objects.filter(code=OuterRef("commune_id"), region_id=region))
        )
    if departement:
        queryset = queryset.filter(
            commune_id__in=Commune.objects.filter(departement_id=departement).values("code")
        )
    codes = [commune] if isinstance(commune, str) else list(commune)
    codes = [code for code in codes if code]
    if codes:
        queryset = queryset.filter(commune_id__in=communes_and_arrondissements(codes))
    if centre:
        queryset = queryset.filter(centre__slug=centre)
    programmes = [slug for slug in programmes if slug]
    if programmes:
        queryset = queryset.filter(programmes_filter(programmes))
    labels = [slug for slug in labels if slug]
    if labels:
        queryset = queryset.filter(labels_filter(labels))
    if in_qpv and not qpv_relation:
        qpv_relation = QpvPlacement.IN
    if qpv_code or qpv_relation:
        queryset = filter_initiatives_by_qpv(queryset, qpv_code=qpv_code, relation=qpv_relation)
    query = " ".join(query.split())
    if not query:
        return InitiativeResults(
            _distance_order(queryset, near) if near else queryset.order_by(*LIST_ORDER)
        )
    narrowed = (
        theme_slugs
        or region
        or departement
        or codes
        or centre
        or qpv_code
        or qpv_relation
        or programmes
        or labels
        or essaimees
    )
    if not narrowed and not near:
        return InitiativeResults(queryset, query=query)
    ranked = _search_ids(query)
    if near and near.radius_km:  # then `points` holds only those within the radius
        queryset = _distance_order(queryset, near)
    points = {
        pk: (lat, lon) for pk, lat, lon in queryset.values_list("pk", "latitude", "longitude")
    }
    ranked = [pk for pk in ranked if pk in points]
    if near:
        scale = math.cos(math.radians(near.latitude))

        def distance(pk: int) -> float:
            lat, lon = points[pk]
            if lat is None or lon is None:
                return math.inf
            return (lat - near.latitude) ** 2 + ((lon - near.longitude) * scale) ** 2

        ranked.sort(key=distance)  # stable: equal distances keep the search's ranking
    return InitiativeResults(queryset, ranked_ids=ranked)


def published_counts_by_theme() -> dict[int, int]:
    """Theme pk → number of published initiatives (cache it: it reads every link)."""
    links = Initiative.themes.through.objects.filter(initiative__status=InitiativeStatus.PUBLISHED)
    counted = links.values_list("theme_id").annotate(n=Count("initiative_id"))
    # The stubs do not see the annotation `n` among the fields.
    return dict(counted.values_list("theme_id", "n"))  # type: ignore[misc]


def published_counts_by_centre() -> dict[int, int]:
    """Centre pk → number of published initiatives it refers."""
    return dict(
        published_initiatives()
        .filter(centre__isnull=False)
        .values_list("centre_id")
        .annotate(n=Count("pk"))
        .values_list("centre_id", "n")
    )


CHECK_AFTER = timedelta(days=365)


def to_check_filter() -> Q:
    """Published and not checked for a year (never checked: published more than a year ago):
    the workspace's « À vérifier », and the weekly reminder to the centres."""
    limit = timezone.now() - CHECK_AFTER
    return Q(status=InitiativeStatus.PUBLISHED) & (
        Q(last_checked_at__lt=limit)
        | Q(last_checked_at__isnull=True, published_at__lt=limit)
        | Q(last_checked_at__isnull=True, published_at__isnull=True, created_at__lt=limit)
    )


# The map's "relation" filter: its values and labels. "pour" is the contributor's statement
# that an initiative located elsewhere serves the residents of a QPV.
QPV_RELATION_FILTER_CHOICES = [
    (QpvPlacement.IN.value, _("Dans un QPV")),
    (QpvPlacement.NEAR.value, _("À proximité d'un QPV")),
    (QpvRelation.FOR.value, _("Pour les habitants d'un QPV")),
    (QpvPlacement.OUTSIDE.value, _("Hors QPV")),
]


def filter_initiatives_by_qpv(
    queryset: QuerySet, *, qpv_code: str = "", relation: str = ""
) -> QuerySet:
    """Filter an Initiative queryset by QPV and/or relation, without duplicating rows.

    - `qpv_code` alone: initiatives in, near or for that QPV;
    - `relation` alone: "dans", "proximite", "hors" (computed from the point) or "pour"
      (stated by the contributor, for any QPV);
    - both: that relation with that QPV ("hors" with a QPV matches nothing).
    Unknown values match nothing rather than everything.
    """
    known = {value for value, _label in QPV_RELATION_FILTER_CHOICES}
    if relation and relation not in known:
        return queryset.none()
    if qpv_code:
        if relation == QpvPlacement.OUTSIDE:
            return queryset.none()
        links = InitiativeQpv.objects.filter(initiative=OuterRef("pk"), qpv_code=qpv_code)
        if relation:
            links = links.filter(relation=relation)
        return queryset.filter(Exists(links))
    if relation == QpvRelation.FOR:
        return queryset.filter(
            Exists(InitiativeQpv.objects.filter(initiative=OuterRef("pk"), relation=relation))
        )
    if relation:
        return queryset.filter(qpv_relation=relation)
    return queryset


def list_centres() -> QuerySet[Centre]:
    """The directory of centres, with the count of published initiatives of each."""
    return (
        Centre.objects.prefetch_related("departements")
        .annotate(
            published_count=Count(
                "initiatives", filter=Q(initiatives__status=InitiativeStatus.PUBLISHED)
            )
        )
        .order_by("name")
    )
