"""Reading programmes and labels: the filters' choices, the ids a filter keeps, and each
initiative's badges (granted and derived labels, programmes)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from pepites.initiatives.labels.derived import derived_labels
from pepites.initiatives.labels.models import InitiativeLabel, Label, Programme


def programme_choices() -> list[tuple[str, str]]:
    return list(Programme.objects.order_by("position", "name").values_list("slug", "name"))


def label_choices() -> list[tuple[str, str]]:
    own = list(Label.objects.order_by("position", "name").values_list("slug", "name"))
    return own + [(label.slug, label.name) for label in derived_labels()]


def programmes_filter(slugs: Iterable[str]) -> Q:
    """Initiatives in any of these programmes."""
    return Q(
        pk__in=Programme.initiatives.through.objects.filter(programme__slug__in=list(slugs)).values(
            "initiative_id"
        )
    )


def labels_filter(slugs: Iterable[str]) -> Q:
    """Initiatives with any of these labels, granted or derived."""
    slugs = set(slugs)
    condition = Q(
        pk__in=InitiativeLabel.objects.filter(label__slug__in=slugs).values("initiative_id")
    )
    for label in derived_labels():
        if label.slug in slugs:
            condition |= Q(pk__in=label.initiative_ids())
    return condition


@dataclass(frozen=True)
class Badge:
    kind: str  # "programme" or "label"
    slug: str
    name: str


def badges_for(initiative_ids: Iterable[int]) -> dict[int, list[Badge]]:
    """Per initiative: its labels (granted, then derived), then its programmes."""
    ids = list(initiative_ids)
    badges: dict[int, list[Badge]] = defaultdict(list)
    for initiative_id, slug, name in (
        InitiativeLabel.objects.filter(initiative_id__in=ids)
        .order_by("label__position", "label__name")
        .values_list("initiative_id", "label__slug", "label__name")
    ):
        badges[initiative_id].append(Badge("label", slug, name))
    for label in derived_labels():
        for initiative_id in (
            label.initiative_ids()
            .filter(initiative_id__in=ids)
            .values_list("initiative_id", flat=True)
        ):
            badges[initiative_id].append(Badge("label", label.slug, label.name))
    for initiative_id, slug, name in (
        Programme.initiatives.through.objects.filter(initiative_id__in=ids)
        .order_by("programme__position", "programme__name")
        .values_list("initiative_id", "programme__slug", "programme__name")
    ):
        badges[initiative_id].append(Badge("programme", slug, name))
    return badges


def memberships(kind: str) -> tuple[list[str], list[tuple[int, int]]]:
    """For the map's data: the slugs (in bit order) and (initiative id, bit) pairs."""
    if kind == "programme":
        slugs = [slug for slug, _name in programme_choices()]
        index = {slug: i for i, slug in enumerate(slugs)}
        pairs = [
            (initiative_id, index[slug])
            for initiative_id, slug in Programme.initiatives.through.objects.values_list(
                "initiative_id", "programme__slug"
            )
        ]
        return slugs, pairs
    slugs = [slug for slug, _name in label_choices()]
    index = {slug: i for i, slug in enumerate(slugs)}
    pairs = [
        (initiative_id, index[slug])
        for initiative_id, slug in InitiativeLabel.objects.values_list(
            "initiative_id", "label__slug"
        )
    ]
    for label in derived_labels():
        pairs += [
            (initiative_id, index[label.slug])
            for initiative_id in label.initiative_ids().values_list("initiative_id", flat=True)
            if initiative_id is not None
        ]
    return slugs, pairs


def signature() -> tuple:
    """Changes whenever a programme or label membership may have changed (map data)."""
    from django.db.models import Count, Max

    through = Programme.initiatives.through.objects.aggregate(n=Count("pk"), m=Max("pk"))
    grants = InitiativeLabel.objects.aggregate(n=Count("pk"), m=Max("pk"))
    derived = [(label.slug, label.initiative_ids().count()) for label in derived_labels()]
    return (
        programme_choices(),
        [slug for slug, _name in label_choices()],
        sorted(through.items()),
        sorted(grants.items()),
        derived,
    )
