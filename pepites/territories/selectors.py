"""Reads of the territories domain."""

from django.db.models import QuerySet

from pepites.territories.models import Commune, Departement, Region


def get_commune(*, code: str) -> Commune | None:
    return Commune.objects.select_related("departement", "region").filter(code=code).first()


def communes_for_postal_code(*, postal_code: str) -> QuerySet[Commune]:
    return Commune.objects.filter(postal_code_set__code=postal_code).order_by("name").distinct()


def list_regions() -> QuerySet[Region]:
    return Region.objects.all()


def list_departements() -> QuerySet[Departement]:
    return Departement.objects.select_related("region")
