"""Reads of the network domain."""

from django.db.models import QuerySet

from pepites.network.models import Centre


def centres_covering_commune(*, commune_code: str) -> QuerySet[Centre]:
    """Centres whose territory includes the commune (usually one; none: the national team)."""
    return Centre.objects.filter(departements__communes__code=commune_code).distinct()


def centre_for_commune(*, commune_code: str) -> Centre | None:
    return centres_covering_commune(commune_code=commune_code).order_by("name").first()


def get_centre(*, slug: str) -> Centre | None:
    return Centre.objects.prefetch_related("departements").filter(slug=slug).first()


def coverage_by_departement() -> list[tuple[str, str, list[int]]]:
    """(département code, name, pks of the centres covering it) for every département."""
    from pepites.territories.models import Departement

    covering: dict[str, list[int]] = {}
    for departement_id, centre_id in Centre.departements.through.objects.order_by(
        "centre__name"
    ).values_list("departement_id", "centre_id"):
        covering.setdefault(departement_id, []).append(centre_id)
    return [
        (code, name, covering.get(code, []))
        for code, name in Departement.objects.order_by("code").values_list("code", "name")
    ]
