"""Demonstration programmes and labels: the seed programmes given to some demonstration
initiatives, a « visite possible » label and a « repérée par » label per centre of the
demonstration, both marked as demonstration content."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pepites.initiatives.demo import read_demo_entries
from pepites.initiatives.labels.models import InitiativeLabel, Label, LabelKind, Programme
from pepites.initiatives.labels.services import load_default_programmes
from pepites.initiatives.models import Initiative

DEMO_NOTE = "Exemple de démonstration"


@transaction.atomic
def load_demo_labels() -> int:
    """Give the demonstration initiatives programmes and labels (only those that have none);
    returns how many initiatives got some. Deterministic: by primary key order."""
    load_default_programmes()
    programmes = list(Programme.objects.order_by("position", "name"))
    visit, _created = Label.objects.get_or_create(
        slug="visite-possible",
        defaults={
            "name": _("Visite possible"),
            "kind": LabelKind.VISIT,
            "description": _("Le porteur accueille des visites (%(note)s).") % {"note": DEMO_NOTE},
            "is_demo": True,
        },
    )
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
        if initiative.centre is not None and index % 4 == 1:
            spotted, _created = Label.objects.get_or_create(
                slug=f"reperee-{slugify(initiative.centre.slug)}"[:80],
                defaults={
                    "name": _("Repérée par %(centre)s") % {"centre": initiative.centre.name},
                    "kind": LabelKind.SPOTTED,
                    "centre": initiative.centre,
                    "description": DEMO_NOTE,
                    "is_demo": True,
                },
            )
            InitiativeLabel.objects.create(initiative=initiative, label=spotted)
        done += 1
    return done
