"""The moderator's decisions on a pending proposal: accept (through the initiatives
services), merge into an existing initiative, or reject with a reason sent to its author.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.initiatives import permissions
from pepites.initiatives.contributions.emails import notify_decision
from pepites.initiatives.figures.models import FiguresSource
from pepites.initiatives.figures.services import set_figures
from pepites.initiatives.images import NewImage, add_initiative_image
from pepites.initiatives.models import Initiative, Proposal, ProposalKind, ProposalStatus
from pepites.initiatives.placement.services import set_served_qpvs
from pepites.initiatives.services import create_initiative, update_initiative
from pepites.network.models import Centre


def _lock_pending(proposal: Proposal) -> Proposal:
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("initiative", "centre", "commune")
        .get(pk=proposal.pk)
    )
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError(
            _("Cette proposition a déjà été traitée (%(status)s le %(date)s).")
            % {
                "status": locked.get_status_display().lower(),
                "date": timezone.localtime(locked.decided_at).strftime("%d/%m/%Y %H:%M")
                if locked.decided_at
                else "?",
            }
        )
    return locked


def _decide(
    proposal: Proposal,
    *,
    status: str,
    user: AbstractBaseUser | None,
    reason: str = "",
    initiative: Initiative | None = None,
) -> Proposal:
    proposal.status = status
    proposal.decided_at = timezone.now()
    proposal.decided_by = cast(User, user) if user is not None and user.is_authenticated else None
    proposal.decision_reason = reason
    if initiative is not None:
        proposal.initiative = initiative
    proposal.save()
    return proposal


@transaction.atomic
def accept_proposal(
    *,
    proposal: Proposal,
    user: AbstractBaseUser | None,
    fields: dict[str, Any],
    expected_version: int | None = None,
) -> Initiative:
    """Accept a proposal, possibly edited by the moderator (`fields`: the arguments of
    create_initiative for a new one, of update_initiative for a correction, whose
    `expected_version` is the version of the initiative the moderator read)."""
    proposal = _lock_pending(proposal)
    reason = _("Proposition n°%(pk)s acceptée") % {"pk": proposal.pk}
    if proposal.kind == ProposalKind.NEW:
        website = proposal.data.get("website")
        links = [(website, _("Site internet"))] if website else []
        initiative = create_initiative(
            **fields, links=links, history_user=user, history_reason=reason
        )
    else:
        if proposal.initiative is None:
            raise ValidationError(_("L'initiative à corriger n'existe plus."))
        initiative = update_initiative(
            initiative=proposal.initiative,
            expected_version=expected_version,
            history_user=user,
            history_reason=reason,
            **fields,
        )
        figures = proposal.data.get("figures")
        if figures:  # the year's figures of a porteur's check-in
            values = {k: v for k, v in figures.items() if k != "year"}
            set_figures(
                initiative=initiative,
                year=figures["year"],
                values=values,
                user=user,
                source=FiguresSource.CHECKIN,
            )
    _decide(proposal, status=ProposalStatus.ACCEPTED, user=user, initiative=initiative)
    record(
        action=Action.PROPOSAL_ACCEPT,
        actor=user,
        target=initiative,
        details={"proposition": proposal.pk},
    )
    notify_decision(proposal)
    return initiative


@transaction.atomic
def merge_proposal(
    *,
    proposal: Proposal,
    target: Initiative,
    user: AbstractBaseUser | None,
    expected_version: int,
    fields: dict[str, Any],
) -> Initiative:
    """Fold a proposed initiative into an existing one (a duplicate), with the fields the
    moderator kept, under the target's optimistic locking."""
    proposal = _lock_pending(proposal)
    if proposal.kind != ProposalKind.NEW:
        raise ValidationError(_("Seule une proposition de nouvelle initiative se fusionne."))
    initiative = update_initiative(
        initiative=target,
        expected_version=expected_version,
        history_user=user,
        history_reason=_("Proposition n°%(pk)s fusionnée") % {"pk": proposal.pk},
        **fields,
    )
    _decide(proposal, status=ProposalStatus.MERGED, user=user, initiative=initiative)
    record(
        action=Action.PROPOSAL_MERGE,
        actor=user,
        target=initiative,
        details={"proposition": proposal.pk},
    )
    notify_decision(proposal)
    return initiative


@transaction.atomic
def reject_proposal(*, proposal: Proposal, user: AbstractBaseUser | None, reason: str) -> Proposal:
    """Refuse a proposal; the reason is sent to its author. Nothing of it is published."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Indiquez le motif du refus : il est envoyé à l'auteur.")}
        )
    proposal = _lock_pending(proposal)
    _decide(proposal, status=ProposalStatus.REJECTED, user=user, reason=reason[:3000])
    record(action=Action.PROPOSAL_REJECT, actor=user, target=proposal)
    notify_decision(proposal)
    return proposal


@transaction.atomic
def accept_reviewed_proposal(
    *,
    proposal: Proposal,
    user: AbstractBaseUser,
    fields: dict[str, Any],
    expected_version: int | None = None,
    served_qpv_codes: Iterable[str] = (),
    image: NewImage | None = None,
) -> Initiative:
    """The moderator's acceptance from the review page, in one transaction: their rights
    (PermissionDenied), the proposal accepted, the QPV served and the image added; any
    error undoes it all."""
    if proposal.kind == ProposalKind.CORRECTION:
        target = proposal.initiative
        if target is not None and not permissions.can_set_status(user, target, fields["status"]):
            raise PermissionDenied
    else:
        slug = fields.get("centre_slug") or ""
        centre = Centre.objects.filter(slug=slug).first() if slug else None
        if not permissions.can_create_initiative(user, centre=centre):
            raise PermissionDenied
        if not permissions.can_set_status(user, Initiative(centre=centre), fields["status"]):
            raise PermissionDenied
    initiative = accept_proposal(
        proposal=proposal, user=user, fields=fields, expected_version=expected_version
    )
    set_served_qpvs(initiative=initiative, qpv_codes=served_qpv_codes)
    if image is not None:
        add_initiative_image(
            initiative=initiative,
            renditions=image.renditions,
            alt_text=image.alt_text,
            credits=image.credits,
            user=user,
        )
    return initiative


@transaction.atomic
def merge_reviewed_proposal(
    *,
    proposal: Proposal,
    target: Initiative,
    user: AbstractBaseUser,
    expected_version: int,
    fields: dict[str, Any],
    served_qpv_codes: Iterable[str] = (),
) -> Initiative:
    """The moderator's merge from the merge page, in one transaction: their right to the
    state chosen (PermissionDenied), the merge, the QPV served."""
    if not permissions.can_set_status(user, target, fields["status"]):
        raise PermissionDenied
    initiative = merge_proposal(
        proposal=proposal,
        target=target,
        user=user,
        expected_version=expected_version,
        fields=fields,
    )
    set_served_qpvs(initiative=initiative, qpv_codes=served_qpv_codes)
    return initiative
