"""Writing programmes and labels: the seed list of programmes, and what an initiative
belongs to or was granted (only the labels the user may grant are touched). The map's data
version includes these memberships (mapdata.data_signature): callers that want it re-read
at once call mapdata.data_changed()."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pepites.core.dataversion import changes_public_data
from pepites.initiatives.labels.models import InitiativeLabel, Label, LabelKind, Programme
from pepites.initiatives.models import Initiative
from pepites.initiatives.permissions import can_grant_label
from pepites.network.models import Centre

PROGRAMMES_FILE = Path(__file__).resolve().parent.parent / "data" / "programmes.json"


@transaction.atomic
def load_default_programmes(*, path: Path = PROGRAMMES_FILE) -> int:
    """Create the seed programmes missing (by slug), never touching the others."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    existing = set(Programme.objects.values_list("slug", flat=True))
    created = 0
    for position, entry in enumerate(entries):
        if entry["slug"] in existing:
            continue
        Programme.objects.create(position=position * 10, **entry)
        created += 1
    return created


@transaction.atomic
def load_default_labels() -> int:
    """The labels every instance starts with: « Visite possible » (granted by whoever edits
    the initiative) and one « Repérée par <centre> » per centre (granted by its members)."""
    created = 0
    _label, made = Label.objects.get_or_create(
        slug="visite-possible",
        defaults={
            "name": _("Visite possible"),
            "kind": LabelKind.VISIT,
            "description": _("Le porteur accueille des visites de professionnels ou d'élus."),
        },
    )
    created += made
    for centre in Centre.objects.order_by("name"):
        _label, made = Label.objects.get_or_create(
            slug=f"reperee-{centre.slug}"[:80],
            defaults={
                "name": _("Repérée par %(centre)s") % {"centre": centre.name},
                "kind": LabelKind.SPOTTED,
                "centre": centre,
                "position": 100,
            },
        )
        created += made
    return created


@transaction.atomic
@changes_public_data
def create_programme(*, name: str, scope: str, url: str = "", description: str = "") -> Programme:
    """A programme added by the national team from its workspace (slug from the name)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Donnez le nom du programme.")})
    if Programme.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("Ce programme existe déjà.")})
    base = slugify(name)[:70] or "programme"
    slug, n = base, 1
    while Programme.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    position = (Programme.objects.aggregate(m=Max("position"))["m"] or 0) + 10
    return Programme.objects.create(
        slug=slug, name=name, scope=scope, url=url, description=description, position=position
    )


@transaction.atomic
@changes_public_data
def set_programmes(*, initiative: Initiative, slugs: Iterable[str]) -> None:
    slugs = set(slugs)
    programmes = list(Programme.objects.filter(slug__in=slugs))
    unknown = slugs - {p.slug for p in programmes}
    if unknown:
        raise ValidationError(
            {
                "programmes": _("Programme inconnu : %(slugs)s.")
                % {"slugs": ", ".join(sorted(unknown))}
            }
        )
    initiative.programmes.set(programmes)


@transaction.atomic
@changes_public_data
def set_labels(*, initiative: Initiative, slugs: Iterable[str], user: Any) -> None:
    """Grant the labels of `slugs` the user may grant and withdraw the others they may;
    labels granted by someone else (another centre, the national team) stay."""
    slugs = set(slugs)
    grantable = [label for label in Label.objects.all() if can_grant_label(user, label, initiative)]
    refused = slugs - {label.slug for label in grantable}
    if refused:
        raise ValidationError(
            {
                "labels": _("Vous ne pouvez pas accorder : %(slugs)s.")
                % {"slugs": ", ".join(sorted(refused))}
            }
        )
    current = set(initiative.label_grants.values_list("label__slug", flat=True))
    for label in grantable:
        if label.slug in slugs and label.slug not in current:
            InitiativeLabel.objects.create(initiative=initiative, label=label, granted_by=user)
        elif label.slug not in slugs and label.slug in current:
            InitiativeLabel.objects.filter(initiative=initiative, label=label).delete()
