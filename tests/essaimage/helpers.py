"""Initiatives and requests for the essaimage tests."""

from typing import Any

from pepites.essaimage.services import submit_request
from pepites.initiatives.models import InitiativeStatus
from pepites.initiatives.services import create_initiative


def initiative(
    *, title: str = "Épicerie solidaire du Franc-Moisin", commune: str = "93066", **fields: Any
):
    fields.setdefault("status", InitiativeStatus.PUBLISHED)
    fields.setdefault("latitude", 48.92)
    fields.setdefault("longitude", 2.36)
    return create_initiative(
        title=title,
        summary="Une épicerie à prix solidaires tenue par des habitantes.",
        porteur_name="Association Franc-Moisin Solidaire",
        commune_code=commune,
        theme_slugs=["commerce-proximite"],
        **fields,
    )


def request_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "requester_name": "Gaëlle Le Goff",
        "requester_email": "gaelle@lorient.example",
        "organisation": "Association Kerolay",
        "requester_kind": "association",
        "commune_code": "56121",
        "project": "Ouvrir une épicerie solidaire dans le quartier de Kervénanec.",
        "needs": ["contact", "accompagnement"],
    }
    data.update(overrides)
    return data


def ask(target, *, ip: str = "198.51.100.4", **overrides: Any):
    return submit_request(initiative=target, data=request_data(**overrides), consent=True, ip=ip)
