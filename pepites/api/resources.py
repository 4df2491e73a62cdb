"""/api/v1/resources: the resource library (the centres' resources and the articles of the
published issues of L'Éco des quartiers), with the public list's filters; one resource."""

from __future__ import annotations

import math
import uuid
from datetime import date
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pepites.api.errors import READ_ERRORS, ErrorOut
from pepites.api.initiatives import page_links
from pepites.api.schemas import CleanStr, Page
from pepites.core.siteurl import site_url
from pepites.insights.library import LibraryItem, library_items, resource_items
from pepites.resources.models import ResourceKind
from pepites.resources.selectors import ResourceFilters, published_resources, with_relations

router = Router(tags=["Ressources"])
MAX_PAGE_SIZE = 100


class ResourceQuery(Schema):
    type: Literal[tuple(ResourceKind.values)] | Literal[""] = Field(  # type: ignore[valid-type]
        "", description="Type de ressource (`etude`, `guide`, `article-eco`…)."
    )
    thematique: CleanStr = Field("", max_length=80, description="Slug de la thématique.")
    centre: CleanStr = Field("", max_length=80, description="Slug du centre.")
    territoire: CleanStr = Field(
        "",
        max_length=20,
        pattern=r"^((region|departement|commune|qpv):[0-9A-Za-z]{1,8})?$",
        description="`region:84`, `departement:93`, `commune:93066` ou `qpv:QN09301M`.",
    )
    annee: int | None = Field(None, ge=1900, le=2100, description="Année de la ressource.")


class ResourceOut(Schema):
    source: Literal["resource", "article"] = Field(
        description="`resource` (une ressource d'un centre) ou `article` (article d'un numéro "
        "publié de L'Éco des quartiers)."
    )
    id: int
    uid: str | None
    title: str
    kind: str
    kind_label: str
    summary: str
    authors: str
    date: date
    centres: list[str]
    themes: list[str]
    licence: str
    url: str
    file_url: str | None
    file_type: str | None
    page_count: int | None
    text_extracted: bool | None
    external_url: str | None
    is_demo: bool


class ResourcePage(Page):
    results: list[ResourceOut]


def _absolute(path: str) -> str | None:
    return site_url() + path if path else None


def resource_out(item: LibraryItem) -> dict:
    resource = item.resource
    return {
        "source": item.source,
        "id": item.id,
        "uid": str(resource.uid) if resource else None,
        "title": item.title,
        "kind": item.kind,
        "kind_label": item.kind_label,
        "summary": item.summary,
        "authors": item.authors,
        "date": item.date,
        "centres": item.centres,
        "themes": item.themes,
        "licence": item.licence,
        "url": site_url() + item.url,
        "file_url": _absolute(item.file_url),
        "file_type": item.file_type or None,
        "page_count": resource.page_count if resource and resource.file else None,
        "text_extracted": (resource.text_status == "extracted")
        if resource and resource.file
        else None,
        "external_url": item.external_url or None,
        "is_demo": item.is_demo,
    }


@router.get(
    "/resources",
    response={200: ResourcePage, 400: ErrorOut, 422: ErrorOut},
    summary="Ressources publiées et articles de L'Éco des quartiers (paginés)",
)
def list_resources(
    request: HttpRequest,
    filters: Query[ResourceQuery],
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
):
    chosen = ResourceFilters(
        kind=filters.type,
        theme=filters.thematique,
        centre=filters.centre,
        territory=filters.territoire,
        year=filters.annee,
    )
    items, count = library_items(filters=chosen, offset=(page - 1) * page_size, limit=page_size)
    pages = max(1, math.ceil(count / page_size))
    next_url, previous_url = page_links(request, page, pages)
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": next_url,
        "previous": previous_url,
        "results": [resource_out(item) for item in items],
    }


@router.get(
    "/resources/{ident}",
    response={200: ResourceOut, **READ_ERRORS},
    summary="Une ressource publiée, par son slug ou son identifiant (uid)",
)
def get_resource(request: HttpRequest, ident: str):
    queryset = with_relations(published_resources())
    try:
        resource = queryset.filter(uid=uuid.UUID(ident)).first()
    except ValueError:
        resource = queryset.filter(slug=ident).first()
    if resource is None:
        raise Http404(_("Aucune ressource publiée ne porte cet identifiant."))
    return resource_out(resource_items([resource])[0])
