"""/api/v1/initiatives: the map's list (same filters), one initiative, GeoJSON, and writes
by centre members with a personal token, under the same rules as the interface."""

from __future__ import annotations

import math
import uuid
from typing import Literal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, QueryDict, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from pepites.api.auth import token_auth
from pepites.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from pepites.api.schemas import (
    FEATURE_COLLECTION_SCHEMA,
    CleanStr,
    InitiativeCreate,
    InitiativeOut,
    InitiativePage,
    InitiativeUpdate,
)
from pepites.core import dataversion
from pepites.core.siteurl import site_url
from pepites.initiatives import exports
from pepites.initiatives.counts import results_count
from pepites.initiatives.figures.models import InitiativeFigures
from pepites.initiatives.figures.services import VALUE_FIELDS as FIGURE_VALUE_FIELDS
from pepites.initiatives.filters import FilterForm, parse_point
from pepites.initiatives.labels.selectors import badges_for
from pepites.initiatives.models import (
    COMPUTED_QPV_RELATIONS,
    Initiative,
    InitiativeInspiration,
    InitiativeQpv,
    InitiativeStatus,
    LocationStatus,
    Theme,
)
from pepites.initiatives.permissions import (
    can_archive_initiative,
    can_create_initiative,
    can_edit_initiative,
    can_publish_initiative,
)
from pepites.initiatives.porteurs import link_porteurs
from pepites.initiatives.selectors import filter_published_initiatives, published_initiatives
from pepites.initiatives.services import create_initiative, update_initiative
from pepites.network.models import Centre
from pepites.network.selectors import centre_for_commune
from pepites.organisations.validators import clean_siret, siret_problem
from pepites.territories.models import Commune

router = Router(tags=["Initiatives"])
MAX_PAGE_SIZE = 100
HISTORY_REASON = "API"


class InitiativeFilters(Schema):
    """The map's filters, with the same names as in the map's address."""

    q: CleanStr = Field("", max_length=200, description="Mots-clés.")
    thematique: list[CleanStr] = Field(
        [], max_length=10, description="Slugs des thématiques (l'une ou l'autre)."
    )
    programme: list[CleanStr] = Field(
        [],
        max_length=10,
        description="Slugs des programmes (l'un ou l'autre) ; voir /api/v1/programmes.",
    )
    label: list[CleanStr] = Field(
        [],
        max_length=10,
        description="Slugs des labels, accordés ou dérivés de L'Éco des quartiers (l'un ou l'autre).",
    )
    region: CleanStr = Field("", max_length=3, description="Code de région.")
    departement: CleanStr = Field("", max_length=3, description="Code de département.")
    commune: CleanStr = Field("", max_length=100, description="Nom, code postal ou code INSEE.")
    centre: CleanStr = Field("", max_length=80, description="Slug du centre.")
    quartier: CleanStr = Field(
        "",
        max_length=200,
        description=(
            "Un quartier prioritaire de la liste en vigueur : son code (ex. QN09301M) ou son "
            "nom (unique, au besoin dans la région ou le département donnés). Les initiatives "
            "dedans, à proximité ou déclarées pour ses habitants ; avec `relation`, celles-là "
            "seulement."
        ),
    )
    relation: Literal["", "dans", "proximite", "pour", "hors"] = Field(
        "",
        description=(
            "Situation par rapport aux QPV : `dans` un QPV, à `proximite` (moins de 300 m par "
            "défaut), `pour` les habitants de QPV nommés par le contributeur, `hors` QPV. "
            "Avec `quartier` : par rapport à ce quartier (`hors` ne donne alors rien)."
        ),
    )
    qpv: bool = Field(
        False,
        description="Seulement les initiatives situées dans un QPV (ancienne forme de relation=dans).",
    )
    pres: CleanStr = Field(
        "", max_length=40, description="« latitude,longitude » : les plus proches d'abord."
    )
    essaimees: bool = Field(
        False,
        description="Seulement les initiatives essaimées : reproduites ailleurs (liens « inspirée de »).",
    )


def map_filters(filters: InitiativeFilters) -> dict:
    """Keyword arguments of filter_published_initiatives, checked by the filter vocabulary
    that the map's form also uses (pepites/initiatives/filters.py)."""
    data = QueryDict(mutable=True)
    for name in ("q", "region", "departement", "commune", "centre", "quartier", "relation", "pres"):
        if getattr(filters, name):
            data[name] = getattr(filters, name)
    data.setlist("thematique", [t for t in filters.thematique if t])
    data.setlist("programme", [p for p in filters.programme if p])
    data.setlist("label", [lb for lb in filters.label if lb])
    if filters.qpv:
        data["qpv"] = "on"
    if filters.essaimees:
        data["essaimees"] = "on"
    form = FilterForm(data)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    result = form.filters()
    if filters.pres and parse_point(filters.pres) is None:
        raise ValidationError({"pres": _("« latitude,longitude » attendu, ex. 48.85,2.35.")})
    return result


def _organisation(initiative: Initiative) -> dict | None:
    organisation = initiative.organisation
    if organisation is None:
        return None
    return {
        "name": organisation.name,
        "siret": organisation.siret,
        "url": site_url() + reverse("organisation_detail", kwargs={"pk": organisation.pk}),
        "closed": organisation.is_closed,
    }


def with_api_data(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return queryset.select_related(
        "commune", "centre", "principal_theme", "organisation"
    ).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position", "label")),
        "links",
        Prefetch("figures", queryset=InitiativeFigures.objects.order_by("year")),
        Prefetch(
            "qpv_links", queryset=InitiativeQpv.objects.filter(relation__in=COMPUTED_QPV_RELATIONS)
        ),
        # "Inspirée de" both ways, published initiatives only.
        Prefetch(
            "inspiration_links",
            queryset=InitiativeInspiration.objects.filter(
                source__status=InitiativeStatus.PUBLISHED
            ).select_related("source"),
        ),
        Prefetch(
            "reproduction_links",
            queryset=InitiativeInspiration.objects.filter(
                reproduction__status=InitiativeStatus.PUBLISHED
            ).select_related("reproduction"),
        ),
    )


def _with_badges(items: list[Initiative]) -> list[Initiative]:
    """Programmes and labels of a page of results, read at once."""
    badges = badges_for([i.pk for i in items])
    for item in items:
        item.api_badges = badges.get(item.pk, [])  # type: ignore[attr-defined]
    return items


def initiative_out(initiative: Initiative) -> dict:
    badges = getattr(initiative, "api_badges", None)
    if badges is None:
        badges = badges_for([initiative.pk]).get(initiative.pk, [])
    themes = sorted(initiative.themes.all(), key=lambda t: t.pk != initiative.principal_theme_id)
    contact = None
    if initiative.contact_consent:
        contact = {
            "name": initiative.contact_name,
            "email": initiative.contact_email,
            "phone": initiative.contact_phone,
        }
    return {
        "uid": initiative.uid,
        "slug": initiative.slug,
        "url": site_url() + reverse("initiative_detail", kwargs={"slug": initiative.slug}),
        "title": initiative.title,
        "summary": initiative.summary,
        "context": initiative.context,
        "actions": initiative.actions,
        "results": initiative.results,
        "replication": initiative.replication,
        "porteur": {
            "name": initiative.porteur_name,
            "kind": initiative.porteur_kind,
            "kind_label": str(initiative.get_porteur_kind_display()),
            "organisation": _organisation(initiative),
        },
        "partners": initiative.partners,
        "funders": initiative.funders,
        "target_public": initiative.target_public,
        "principal_theme": initiative.principal_theme.slug,
        "themes": [t.slug for t in themes],
        "start_year": initiative.start_year,
        "is_running": initiative.is_running,
        "place": {
            "commune_code": initiative.commune_id,
            "commune_name": initiative.commune.name,
            "departement": initiative.commune.departement_id,
            "region": initiative.commune.region_id,
            "address": initiative.address,
            "latitude": initiative.latitude,
            "longitude": initiative.longitude,
            "qpv_relation": initiative.qpv_relation,
            "qpv_codes": sorted({link.qpv_code for link in initiative.qpv_links.all()}),
        },
        "centre": {"slug": initiative.centre.slug, "name": initiative.centre.name}
        if initiative.centre
        else None,
        "contact": contact,
        "links": [{"url": link.url, "label": link.label} for link in initiative.links.all()],
        "inspired_by": sorted(str(link.source.uid) for link in initiative.inspiration_links.all()),
        "reproductions": sorted(
            str(link.reproduction.uid) for link in initiative.reproduction_links.all()
        ),
        "programmes": [b.slug for b in badges if b.kind == "programme"],
        "labels": [{"slug": b.slug, "name": b.name} for b in badges if b.kind == "label"],
        "figures": [
            {"year": f.year, **{name: getattr(f, name) for name in FIGURE_VALUE_FIELDS}}
            for f in initiative.figures.all()
        ],
        "status": initiative.status,
        "is_demo": initiative.is_demo,
        "published_at": initiative.published_at,
        "updated_at": initiative.updated_at,
        "version": initiative.version,
    }


KEEP_SECONDS = 24 * 3600  # a new data version makes new keys anyway


def published_out(ids: list[int]) -> list[dict]:
    """The representation of the published initiatives among `ids`, in that order, each
    kept in the cache per version of the public data (and of the code, and the site's
    address): a list reads its ids, then only the initiatives the cache does not hold."""
    prefix = dataversion.versioned_key("api-initiative", site_url()) + ":"
    held = cache.get_many([prefix + str(pk) for pk in ids])
    found = {pk: held[prefix + str(pk)] for pk in ids if prefix + str(pk) in held}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        queryset = with_api_data(published_initiatives().filter(pk__in=missing))
        fresh = {item.pk: initiative_out(item) for item in _with_badges(list(queryset))}
        cache.set_many({prefix + str(pk): out for pk, out in fresh.items()}, KEEP_SECONDS)
        found.update(fresh)
    return [found[pk] for pk in ids if pk in found]


def page_links(request: HttpRequest, page: int, pages: int) -> tuple[str | None, str | None]:
    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return site_url() + request.path + "?" + params.urlencode()

    return (
        link(page + 1) if page < pages else None,
        link(page - 1) if 1 < page <= pages + 1 else None,
    )


@router.get(
    "/initiatives",
    response={200: InitiativePage, 400: ErrorOut, 422: ErrorOut},
    summary="Initiatives publiées (filtres de la carte, paginées)",
)
def list_initiatives(
    request: HttpRequest,
    filters: Query[InitiativeFilters],
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
):
    results = filter_published_initiatives(**map_filters(filters))
    count = results_count(results)
    start = (page - 1) * page_size
    items = published_out(results.page_ids(slice(start, start + page_size)))
    pages = max(1, math.ceil(count / page_size))
    next_url, previous_url = page_links(request, page, pages)
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": next_url,
        "previous": previous_url,
        "results": items,
    }


@router.get(
    "/initiatives.geojson",
    response={400: ErrorOut, 422: ErrorOut},
    summary="Initiatives publiées en GeoJSON (filtres de la carte)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "FeatureCollection (WGS 84) ; licence et date en tête.",
                "content": {"application/geo+json": {"schema": FEATURE_COLLECTION_SCHEMA}},
            }
        }
    },
)
def initiatives_geojson(request: HttpRequest, filters: Query[InitiativeFilters]):
    arguments = map_filters(filters)
    arguments.pop("near", None)
    shown = {k: v for k, v in filters.dict().items() if v}
    info = exports.export_info(filters=shown)
    initiatives = exports.iter_initiatives(exports.export_queryset(filters=arguments))
    return StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in exports.iter_geojson(initiatives, info=info)),
        content_type="application/geo+json",
    )


def _find(ident: str, queryset: QuerySet[Initiative]) -> Initiative | None:
    try:
        return queryset.filter(uid=uuid.UUID(ident)).first()
    except ValueError:
        return queryset.filter(slug=ident).first()


@router.get(
    "/initiatives/{ident}",
    response={200: InitiativeOut, **READ_ERRORS},
    summary="Une initiative publiée, par son slug ou son identifiant (uid)",
)
def get_initiative(request: HttpRequest, ident: str):
    initiative = _find(ident, with_api_data(published_initiatives()))
    if initiative is None:
        raise Http404(_("Aucune initiative publiée ne porte cet identifiant."))
    return initiative_out(initiative)


def _reloaded(initiative: Initiative) -> dict:
    return initiative_out(with_api_data(Initiative.objects.all()).get(pk=initiative.pk))


@router.post(
    "/initiatives",
    auth=token_auth,
    response={201: InitiativeOut, **WRITE_ERRORS},
    summary="Créer une initiative (membre d'un centre, jeton personnel)",
)
def create(request: HttpRequest, payload: InitiativeCreate):
    user = request.auth.user  # type: ignore[attr-defined]  # set by the token authentication
    data = payload.dict(exclude_none=True)
    if not Commune.objects.filter(code=data["commune_code"]).exists():
        raise ValidationError(
            {
                "commune_code": _("La commune %(code)s est inconnue.")
                % {"code": data["commune_code"]}
            }
        )
    centre_slug = data.pop("centre_slug", None)
    if centre_slug:
        centre = Centre.objects.filter(slug=centre_slug).first()
        if centre is None:
            raise ValidationError(
                {"centre_slug": _("Centre « %(slug)s » inconnu.") % {"slug": centre_slug}}
            )
    else:
        centre = centre_for_commune(commune_code=data["commune_code"])
    if not can_create_initiative(user, centre=centre):
        raise PermissionDenied(
            _("Vous ne pouvez créer des initiatives que pour votre centre (ici : %(centre)s).")
            % {"centre": centre.name if centre else _("l'équipe nationale")}
        )
    links = [(link["url"], link.get("label", "")) for link in data.pop("links", [])]
    if "latitude" in data or "longitude" in data:
        data["location_status"] = LocationStatus.MANUAL
    siret = _siret(data)
    with transaction.atomic():
        initiative = create_initiative(
            **data,
            centre_slug=centre.slug if centre else "",
            links=links,
            history_user=user,
            history_reason=HISTORY_REASON,
        )
        if siret:
            link_porteurs(initiative_ids=[initiative.pk], sirets={initiative.pk: siret})
    return Status(201, _reloaded(initiative))


def _siret(data: dict) -> str:
    """The porteur's SIRET of a payload, checked (French message on the field)."""
    siret = clean_siret(data.pop("porteur_siret", "") or "")
    if siret and (problem := siret_problem(siret)):
        raise ValidationError({"porteur_siret": problem})
    return siret


@router.patch(
    "/initiatives/{ident}",
    auth=token_auth,
    response={200: InitiativeOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Modifier une initiative (champs envoyés seulement ; « version » obligatoire)",
)
def update(request: HttpRequest, ident: str, payload: InitiativeUpdate):
    user = request.auth.user  # type: ignore[attr-defined]  # set by the token authentication
    initiative = _find(ident, Initiative.objects.select_related("principal_theme", "commune"))
    if initiative is None or (
        initiative.status != InitiativeStatus.PUBLISHED
        and not can_edit_initiative(user, initiative)
    ):
        raise Http404(_("Aucune initiative ne porte cet identifiant."))
    if not can_edit_initiative(user, initiative):
        raise PermissionDenied(_("Vous ne pouvez modifier que les initiatives de votre centre."))
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    version = data.pop("version")
    status = data.get("status")
    if status == InitiativeStatus.PUBLISHED and not can_publish_initiative(user, initiative):
        raise PermissionDenied(_("Vous ne pouvez pas publier cette initiative."))
    if status == InitiativeStatus.ARCHIVED and not can_archive_initiative(user, initiative):
        raise PermissionDenied(_("Vous ne pouvez pas archiver cette initiative."))
    if "latitude" in data or "longitude" in data:
        data["location_status"] = LocationStatus.MANUAL
    siret = _siret(data)
    with transaction.atomic():
        update_initiative(
            initiative=initiative,
            expected_version=version,
            history_user=user,
            history_reason=HISTORY_REASON,
            **data,
        )
        if siret:
            link_porteurs(initiative_ids=[initiative.pk], sirets={initiative.pk: siret})
    return _reloaded(initiative)
