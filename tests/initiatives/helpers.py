"""Valid input for the initiatives services, overridden field by field in the tests."""

from typing import Any

from pepites.initiatives.models import Initiative
from pepites.initiatives.services import create_initiative


def initiative_input(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "Une boutique à l'essai en pied d'immeuble",
        "summary": "Un local commercial vacant prêté six mois à une créatrice du quartier.",
        "porteur_name": "Association Commerces en quartier",
        "commune_code": "93066",
        "theme_slugs": ["commerce-proximite", "entrepreneuriat"],
    }
    values.update(overrides)
    return values


def new_initiative(**overrides: Any) -> Initiative:
    return create_initiative(**initiative_input(**overrides))


def stored(initiative: Initiative) -> dict[str, Any]:
    """The row as the database holds it, with its themes: compared before and after a failure."""
    fresh = Initiative.objects.get(pk=initiative.pk)
    values = Initiative.objects.values().get(pk=initiative.pk)
    values["themes"] = sorted(fresh.themes.values_list("slug", flat=True))
    return values
