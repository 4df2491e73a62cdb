"""The resources in the search engine (pepites/search): one document per resource, kind
"resource", whose body is the extracted text of its file, page after page. Which page holds
a word is found afterwards in the stored pages (selectors.pages_matching)."""

from __future__ import annotations

from collections.abc import Iterable

from pepites.resources.models import Resource, ResourcePage
from pepites.search.documents import SearchDocument
from pepites.search.services import index_documents

KIND = "resource"


def _names(resource: Resource) -> str:
    parts = [resource.authors]
    parts += [c.name for c in resource.centres.all()]
    parts += [t.label for t in resource.themes.all()]
    for relation in ("regions", "departements", "communes", "qpvs"):
        parts += [t.name for t in getattr(resource, relation).all()]
    return " ".join(p for p in parts if p)


def load_documents(ids: list[int] | None) -> Iterable[SearchDocument]:
    """The search documents of these resources (all of them with None), by batches."""
    queryset = Resource.objects.prefetch_related(
        "centres", "themes", "regions", "departements", "communes", "qpvs"
    ).order_by("pk")
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    for resource in queryset.iterator(chunk_size=200):
        body = "\n".join(
            ResourcePage.objects.filter(resource_id=resource.pk)
            .order_by("number")
            .values_list("text", flat=True)
        )
        yield SearchDocument(
            kind=KIND,
            id=resource.pk,
            public=resource.is_published,
            title=resource.title,
            names=_names(resource),
            summary=resource.summary,
            body=body,
        )


def index_resources(*, ids: Iterable[int]) -> None:
    index_documents(documents=list(load_documents(list(ids))))
