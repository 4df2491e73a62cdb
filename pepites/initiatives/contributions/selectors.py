"""The reads of the moderators' pages: a proposal, the lists, the values the moderator's form
starts from, and what a proposal would change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Field, QuerySet
from django.utils.translation import gettext_lazy as _lazy

from pepites.initiatives.contributions.submission import CORRECTABLE_FIELDS
from pepites.initiatives.figures.models import InitiativeFigures
from pepites.initiatives.figures.services import FIGURE_FIELDS
from pepites.initiatives.models import Initiative, Proposal, ProposalKind


def get_proposal(*, pk: int) -> Proposal | None:
    return (
        Proposal.objects.select_related(
            "initiative__commune", "initiative__principal_theme", "centre", "commune", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )


def proposals_of(*, queryset: QuerySet[Proposal], status: str = "") -> QuerySet[Proposal]:
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("initiative", "centre", "commune")


def proposal_initial(*, proposal: Proposal) -> dict[str, Any]:
    """The values the moderator's form starts from: the proposed ones (for a correction,
    over the current initiative's)."""
    if proposal.kind == ProposalKind.CORRECTION and proposal.initiative is not None:
        initial = {name: getattr(proposal.initiative, name) for name in CORRECTABLE_FIELDS}
        initial.update(proposal.data)
        return initial
    return dict(proposal.data)


PROPOSAL_LABELS = {
    "title": _lazy("Titre"),
    "porteur_name": _lazy("Porteur"),
    "commune_code": _lazy("Commune (code INSEE)"),
    "theme_slugs": _lazy("Thématiques"),
    "summary": _lazy("Résumé"),
    "context": _lazy("Contexte et enjeu"),
    "actions": _lazy("Ce qui a été fait"),
    "results": _lazy("Résultats"),
    "replication": _lazy("Pour reproduire"),
    "address": _lazy("Adresse"),
    "website": _lazy("Site internet"),
}


def proposal_fields(*, proposal: Proposal) -> list[tuple[str, str]]:
    """(French label, value) of what was proposed, for the moderators' pages."""
    rows = []
    for name, value in proposal.data.items():
        if value in ("", None, []) or name in ("figures", "is_running"):  # in the diff
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        rows.append((str(PROPOSAL_LABELS.get(name, name)), str(value)))
    return rows


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    current: str
    proposed: str


def correction_changes(*, proposal: Proposal) -> list[FieldChange]:
    initiative = proposal.initiative
    if initiative is None:
        return []
    changes = [
        FieldChange(
            name=name,
            label=str(cast(Field, Initiative._meta.get_field(name)).verbose_name),
            current=str(getattr(initiative, name) or ""),
            proposed=str(value or ""),
        )
        for name, value in proposal.data.items()
        if name in CORRECTABLE_FIELDS
    ]
    if "is_running" in proposal.data:  # a porteur's check-in says whether it still runs
        changes.append(
            FieldChange(
                name="is_running",
                label=str(_lazy("Toujours en cours")),
                current=_yes_no(initiative.is_running),
                proposed=_yes_no(proposal.data["is_running"]),
            )
        )
    if proposal.data.get("figures"):
        changes.append(_figures_change(initiative, proposal.data["figures"]))
    return changes


def _yes_no(value: bool) -> str:
    return str(_lazy("oui") if value else _lazy("non"))


def _figures_text(values: dict[str, Any]) -> str:
    lines = []
    for name in (*FIGURE_FIELDS, "comment"):
        value = values.get(name)
        if value not in (None, ""):
            label = cast(Field, InitiativeFigures._meta.get_field(name)).verbose_name
            lines.append(f"{str(label).capitalize()} : {value}")
    return "\n".join(lines)


def _figures_change(initiative: Initiative, figures: dict[str, Any]) -> FieldChange:
    current = InitiativeFigures.objects.filter(initiative=initiative, year=figures["year"]).first()
    current_values = (
        {name: getattr(current, name) for name in (*FIGURE_FIELDS, "comment")} if current else {}
    )
    return FieldChange(
        name="figures",
        label=str(_lazy("Résultats chiffrés %(year)s")) % {"year": figures["year"]},
        current=_figures_text(current_values),
        proposed=_figures_text(figures),
    )
