"""Labels another domain derives from its own data (an issue of the publication featuring an
initiative): declared here by their owner at start-up (its AppConfig.ready), so that this
layer filters and shows them without importing that domain, and nobody enters them twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class DerivedLabel:
    slug: str
    name: str
    initiative_ids: Callable[[], QuerySet]  # a query of initiative ids (values_list / values)


# Each provider returns the derived labels of the moment (read from its own tables).
_PROVIDERS: list[Callable[[], list[DerivedLabel]]] = []


def register(provider: Callable[[], list[DerivedLabel]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def derived_labels() -> list[DerivedLabel]:
    return [label for provider in _PROVIDERS for label in provider()]


def derived_labels_of(initiative_id: int) -> list[DerivedLabel]:
    return [
        label
        for label in derived_labels()
        if label.initiative_ids().filter(initiative_id=initiative_id).exists()
    ]
