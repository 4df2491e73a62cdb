"""Demonstration figures: three years of invented results for the demonstration initiatives,
each year's comment saying they are fictional."""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.initiatives.demo import read_demo_entries
from pepites.initiatives.figures.models import InitiativeFigures
from pepites.initiatives.figures.services import set_figures
from pepites.initiatives.models import Initiative

YEARS = 3


@transaction.atomic
def load_demo_figures() -> int:
    """Give each demonstration initiative without figures three fictional years; returns how
    many initiatives got some. Deterministic: the same title gives the same figures."""
    last = timezone.localdate().year - 1
    with_figures = InitiativeFigures.objects.values("initiative_id")
    titles = [entry["title"] for entry in read_demo_entries()]
    targets = Initiative.objects.filter(is_demo=True, title__in=titles).exclude(pk__in=with_figures)
    done = 0
    for initiative in targets.order_by("pk"):
        rng = random.Random(initiative.title)
        people = rng.randint(40, 400)
        for year in range(last - YEARS + 1, last + 1):
            people = int(people * rng.uniform(1.0, 1.5))
            set_figures(
                initiative=initiative,
                year=year,
                values={
                    "people_reached": people,
                    "qpv_residents": int(people * rng.uniform(0.5, 0.9)),
                    "jobs": rng.randint(0, 12),
                    "activities_created": rng.randint(0, 6),
                    "budget": rng.randint(20, 400) * 1000,
                    "comment": _("Chiffres fictifs : exemple de démonstration."),
                },
            )
        done += 1
    return done
