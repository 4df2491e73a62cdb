"""Valid input for the contribution tests (public forms and services)."""

import time
from typing import Any

from pepites.initiatives.contributions.submission import submit_proposal
from pepites.initiatives.models import Proposal, ProposalKind
from pepites.web.contributions.forms import form_token


def old_token(seconds_ago: float = 60) -> str:
    """A form token as if the form had been displayed `seconds_ago` (a person's pace)."""
    return form_token(issued_at=time.time() - seconds_ago)


def new_proposal_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "La Fabrique à entreprendre de Saint-Denis",
        "porteur_name": "Association Entreprendre en Plaine",
        "commune_code": "93066",
        "theme_slugs": ["entrepreneuriat"],
        "summary": "Un lieu qui accompagne les habitants des quartiers dans la création d'entreprise.",
        "actions": "",
        "results": "Quarante entreprises créées en deux ans.",
        "address": "",
        "website": "",
    }
    data.update(overrides)
    return data


def propose(
    *, ip: str = "203.0.113.7", email: str = "habitante@example.net", **data: Any
) -> Proposal:
    return submit_proposal(
        kind=ProposalKind.NEW,
        data=new_proposal_data(**data),
        proposer_email=email,
        consent=True,
        ip=ip,
    )


def proposal_form_post(**overrides: Any) -> dict[str, Any]:
    """What a person's browser sends from /proposer/."""
    data = {
        "title": "La Fabrique à entreprendre de Saint-Denis",
        "porteur_name": "Association Entreprendre en Plaine",
        "commune": "Saint-Denis (93066)",
        "themes": ["entrepreneuriat"],
        "summary": "Un lieu qui accompagne les habitants des quartiers dans la création d'entreprise.",
        "results": "",
        "address": "",
        "website": "",
        "message": "",
        "proposer_name": "Awa",
        "proposer_email": "habitante@example.net",
        "consent": "on",
        "homepage": "",
        "form_token": old_token(),
    }
    data.update(overrides)
    return data
