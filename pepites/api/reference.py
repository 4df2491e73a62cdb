"""/api/v1: themes, centres, territories (régions, départements, communes) and QPV."""

from __future__ import annotations

import json
import math

from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pepites.api.errors import READ_ERRORS
from pepites.api.initiatives import page_links
from pepites.api.schemas import (
    CentreOut,
    CleanStr,
    CommuneOut,
    CommunePage,
    DepartementOut,
    LabelOut,
    ProgrammeOut,
    QpvDetailOut,
    QpvPage,
    RegionOut,
    ThemeOut,
)
from pepites.core.siteurl import site_url
from pepites.initiatives.labels.models import Programme
from pepites.initiatives.labels.selectors import label_choices
from pepites.initiatives.selectors import list_centres, list_themes
from pepites.territories.indicator_selectors import qpv_indicator_values
from pepites.territories.models import Commune, Departement, QpvCommune, Region
from pepites.territories.selectors import current_qpvs, qpv_communes, search_communes

router = Router()


def _by_slug(queryset, slug: str, not_found: str):
    found = queryset.filter(slug=slug).first()
    if found is None:
        raise Http404(not_found)
    return found


# --- Themes -------------------------------------------------------------------------------


def theme_out(theme) -> dict:
    return {
        "slug": theme.slug,
        "label": theme.label,
        "description": theme.description,
        "colour": theme.colour,
        "icon": theme.icon,
        "published_count": theme.published_count,
    }


@router.get(
    "/programmes",
    response=list[ProgrammeOut],
    tags=["Thématiques"],
    summary="Les programmes (filtre « programme »)",
)
def programmes(request: HttpRequest):
    return [
        {"slug": p.slug, "name": p.name, "scope": p.scope, "url": p.url}
        for p in Programme.objects.order_by("position", "name")
    ]


@router.get(
    "/labels",
    response=list[LabelOut],
    tags=["Thématiques"],
    summary="Les labels, accordés ou dérivés de la publication (filtre « label »)",
)
def labels(request: HttpRequest):
    return [{"slug": slug, "name": name} for slug, name in label_choices()]


@router.get("/themes", response=list[ThemeOut], tags=["Thématiques"], summary="Les thématiques")
def themes(request: HttpRequest):
    return [theme_out(t) for t in list_themes()]


@router.get(
    "/themes/{slug}",
    response={200: ThemeOut, **READ_ERRORS},
    tags=["Thématiques"],
    summary="Une thématique",
)
def theme(request: HttpRequest, slug: str):
    return theme_out(_by_slug(list_themes(), slug, _("Cette thématique n'existe pas.")))


# --- Centres ------------------------------------------------------------------------------


def centre_out(centre) -> dict:
    return {
        "slug": centre.slug,
        "name": centre.name,
        "former_name": centre.former_name,
        "territory_label": centre.territory_label,
        "status": centre.status,
        "departements": sorted(d.code for d in centre.departements.all()),
        "email": centre.email,
        "phones": [str(p) for p in centre.phones or []],
        "website": centre.website,
        "description": centre.description,
        "published_count": centre.published_count,
        "url": site_url() + reverse("centre_detail", kwargs={"slug": centre.slug}),
    }


@router.get(
    "/centres", response=list[CentreOut], tags=["Centres"], summary="Les centres de ressources"
)
def centres(request: HttpRequest):
    return [centre_out(c) for c in list_centres()]


@router.get(
    "/centres/{slug}",
    response={200: CentreOut, **READ_ERRORS},
    tags=["Centres"],
    summary="Un centre de ressources",
)
def centre(request: HttpRequest, slug: str):
    return centre_out(_by_slug(list_centres(), slug, _("Ce centre n'existe pas.")))


# --- Territories --------------------------------------------------------------------------


@router.get(
    "/territories/regions", response=list[RegionOut], tags=["Territoires"], summary="Les régions"
)
def regions(request: HttpRequest):
    return [{"code": r.code, "name": r.name} for r in Region.objects.order_by("code")]


class RegionFilter(Schema):
    region: CleanStr = Field("", max_length=3, description="Code de région.")


@router.get(
    "/territories/departements",
    response={200: list[DepartementOut], 422: READ_ERRORS[422]},
    tags=["Territoires"],
    summary="Les départements (d'une région)",
)
def departements(request: HttpRequest, filters: Query[RegionFilter]):
    region = filters.region
    queryset = Departement.objects.order_by("code")
    if region:
        queryset = queryset.filter(region_id=region)
    return [{"code": d.code, "name": d.name, "region": d.region_id} for d in queryset]


def commune_out(commune: Commune) -> dict:
    return {
        "code": commune.code,
        "name": commune.name,
        "departement": commune.departement_id,
        "region": commune.region_id,
        "parent": commune.parent_id,
        "population": commune.population,
        "postal_codes": [str(c) for c in commune.postal_codes or []],
    }


class CommuneFilters(Schema):
    q: CleanStr = Field("", max_length=100, description="Nom, code postal ou code INSEE.")
    departement: CleanStr = Field("", max_length=3)


@router.get(
    "/territories/communes",
    response={200: CommunePage, 422: READ_ERRORS[422]},
    tags=["Territoires"],
    summary="Les communes (recherche par nom, code postal ou code INSEE)",
)
def communes(
    request: HttpRequest,
    filters: Query[CommuneFilters],
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
):
    if filters.q:
        found = search_communes(text=filters.q, limit=200)
        if filters.departement:
            found = [c for c in found if c.departement_id == filters.departement]
        count = len(found)
        items = found[(page - 1) * page_size : page * page_size]
    else:
        queryset = Commune.objects.order_by("code")
        if filters.departement:
            queryset = queryset.filter(departement_id=filters.departement)
        count = queryset.count()
        items = list(queryset[(page - 1) * page_size : page * page_size])
    pages = max(1, math.ceil(count / page_size))
    next_url, previous_url = page_links(request, page, pages)
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": next_url,
        "previous": previous_url,
        "results": [commune_out(c) for c in items],
    }


@router.get(
    "/territories/communes/{code}",
    response={200: CommuneOut, **READ_ERRORS},
    tags=["Territoires"],
    summary="Une commune, par son code INSEE",
)
def commune(request: HttpRequest, code: str):
    found = Commune.objects.filter(code=code).first()
    if found is None:
        raise Http404(_("Aucune commune n'a ce code INSEE."))
    return commune_out(found)


# --- QPV ----------------------------------------------------------------------------------


def qpv_out(qpv, indicators: dict[str, dict[str, dict]]) -> dict:
    return {
        "code": qpv.code,
        "name": qpv.name,
        "generation": qpv.generation,
        "is_demo": qpv.is_demo,
        "departement": qpv.departement_id,
        "region": qpv.region_id,
        "communes_label": qpv.communes_label,
        "latitude": qpv.latitude,
        "longitude": qpv.longitude,
        "area_m2": qpv.area_m2,
        "url": site_url() + reverse("qpv_detail", kwargs={"code": qpv.code}),
        "indicators": indicators.get(qpv.code, {}),
    }


class QpvFilters(Schema):
    departement: CleanStr = Field("", max_length=3)
    region: CleanStr = Field("", max_length=3)
    commune: CleanStr = Field("", max_length=5, description="Code INSEE d'une commune du QPV.")


@router.get(
    "/qpv",
    response={200: QpvPage, 422: READ_ERRORS[422]},
    tags=["QPV"],
    summary="Les quartiers prioritaires de la liste en vigueur",
)
def qpvs(
    request: HttpRequest,
    filters: Query[QpvFilters],
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
):
    queryset = current_qpvs().defer("outline").order_by("code")
    if filters.departement:
        queryset = queryset.filter(departement_id=filters.departement)
    if filters.region:
        queryset = queryset.filter(region_id=filters.region)
    if filters.commune:
        queryset = queryset.filter(
            Exists(QpvCommune.objects.filter(qpv=OuterRef("pk"), commune_code=filters.commune))
        )
    count = queryset.count()
    pages = max(1, math.ceil(count / page_size))
    next_url, previous_url = page_links(request, page, pages)
    found = list(queryset[(page - 1) * page_size : page * page_size])
    indicators = qpv_indicator_values(codes=[q.code for q in found])
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": next_url,
        "previous": previous_url,
        "results": [qpv_out(q, indicators) for q in found],
    }


@router.get(
    "/qpv/{code}",
    response={200: QpvDetailOut, **READ_ERRORS},
    tags=["QPV"],
    summary="Un quartier prioritaire, avec son contour (GeoJSON)",
)
def qpv(request: HttpRequest, code: str):
    found = current_qpvs().filter(code=code).first()
    if found is None:
        raise Http404(_("Aucun quartier prioritaire n'a ce code."))
    return {
        **qpv_out(found, qpv_indicator_values(codes=[found.code])),
        "communes": qpv_communes(qpv=found),
        "outline": json.loads(found.outline),
    }
