"""Demonstration programmes and labels: the seed programmes and labels given to some
demonstration initiatives (the initiatives say they are demonstration content)."""

from __future__ import annotations

from django.db import transaction

from pepites.initiatives.demo import read_demo_entries
from pepites.initiatives.labels.models import InitiativeLabel, Label, LabelKind, Programme
from pepites.initiatives.labels.services import load_default_labels, load_default_programmes
from pepites.initiatives.models import Initiative


@transaction.atomic
def load_demo_labels() -> int:
    """Give the demonstration initiatives programmes and labels (only those that have none);
    returns how many initiatives got some. Deterministic: by primary key order."""
    load_default_programmes()
    load_default_labels()
    programmes = list(Programme.objects.order_by("position", "name"))
    visit = Label.objects.get(slug="visite-possible")
    titles = [entry["title"] for entry in read_demo_entries()]
    targets = (
        Initiative.objects.filter(is_demo=True, title__in=titles)
        .exclude(pk__in=InitiativeLabel.objects.values("initiative_id"))
        .exclude(pk__in=Programme.initiatives.through.objects.values("initiative_id"))
        .select_related("centre")
        .order_by("pk")
    )
    done = 0
    for index, initiative in enumerate(targets):
        if programmes and index % 2 == 0:
            programmes[(index // 2) % len(programmes)].initiatives.add(initiative)
        if index % 3 == 0:
            InitiativeLabel.objects.create(initiative=initiative, label=visit)
        spotted = Label.objects.filter(centre=initiative.centre, kind=LabelKind.SPOTTED).first()
        if spotted is not None and index % 4 == 1:
            InitiativeLabel.objects.create(initiative=initiative, label=spotted)
        done += 1
    return done
