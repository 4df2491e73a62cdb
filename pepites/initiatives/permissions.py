"""Who may do what with initiatives and proposals: the one place where it is decided.

- visitor: nothing here (proposals and corrections go through the public forms);
- centre member: create, edit, publish, archive the initiatives referred by their centre,
  see their history, moderate the proposals routed to their centre;
- national team: the same for every centre and for the territories no centre covers;
- administrator (superuser): everything, including purging, through the admin.

The HTML views, the admin (InitiativeAdmin's permission hooks) and the API call these
functions; they are also registered with `rules`, so `user.has_perm(
"initiatives.change_initiative", initiative)` gives the same answer (e.g. for the API's
object permissions).
"""

from __future__ import annotations

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from pepites.core.roles import is_national_team
from pepites.initiatives.models import Initiative, InitiativeStatus, Proposal, ProposalStatus
from pepites.network.models import Centre
from pepites.network.roles import centre_ids_of

User = AbstractBaseUser | AnonymousUser


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _covers(user: User, centre_id: int | None) -> bool:
    """The user acts for this centre (None: the territories no centre covers)."""
    if not _active(user):
        return False
    if is_national_team(user):
        return True
    return centre_id is not None and centre_id in centre_ids_of(user)


def can_create_initiative(user: User, *, centre: Centre | None) -> bool:
    return _covers(user, centre.pk if centre is not None else None)


def can_edit_initiative(user: User, initiative: Initiative) -> bool:
    return _covers(user, initiative.centre_id)


def can_publish_initiative(user: User, initiative: Initiative) -> bool:
    return _covers(user, initiative.centre_id)


def can_archive_initiative(user: User, initiative: Initiative) -> bool:
    return _covers(user, initiative.centre_id)


def can_view_history(user: User, initiative: Initiative) -> bool:
    return _covers(user, initiative.centre_id)


def can_moderate(user: User, proposal: Proposal) -> bool:
    """Review, accept, merge or reject a proposal (and see the proposer's address)."""
    return _covers(user, proposal.centre_id)


def editable_initiatives(user: User) -> QuerySet[Initiative]:
    """Every initiative the user may edit, in any state."""
    if not _active(user):
        return Initiative.objects.none()
    if is_national_team(user):
        return Initiative.objects.all()
    return Initiative.objects.filter(centre_id__in=centre_ids_of(user))


def moderated_proposals(user: User) -> QuerySet[Proposal]:
    """Every proposal (any state) routed to the user's centres; all for the national team."""
    if not _active(user):
        return Proposal.objects.none()
    if is_national_team(user):
        return Proposal.objects.all()
    return Proposal.objects.filter(centre_id__in=centre_ids_of(user))


def moderation_queue(user: User) -> QuerySet[Proposal]:
    """The pending proposals the user may moderate, oldest first."""
    return moderated_proposals(user).filter(status=ProposalStatus.PENDING).order_by("created_at")


# The same rules for `user.has_perm(perm, obj)` (the rules ObjectPermissionBackend).
@rules.predicate
def _edit(user, initiative):
    return initiative is not None and can_edit_initiative(user, initiative)


@rules.predicate
def _moderate(user, proposal):
    return proposal is not None and can_moderate(user, proposal)


@rules.predicate
def _create(user, centre):
    return can_create_initiative(user, centre=centre)


rules.add_perm("initiatives.add_initiative", _create)
rules.add_perm("initiatives.change_initiative", _edit)
rules.add_perm("initiatives.view_initiative", _edit)
rules.add_perm("initiatives.publish_initiative", _edit)
rules.add_perm("initiatives.archive_initiative", _edit)
rules.add_perm("initiatives.view_history_initiative", _edit)
rules.add_perm("initiatives.change_proposal", _moderate)
rules.add_perm("initiatives.view_proposal", _moderate)


def can_set_status(user, initiative: Initiative, status: str) -> bool:
    """Publishing and archiving are rights of their own (the same people today)."""
    if initiative.status == status:
        return True
    if status == InitiativeStatus.PUBLISHED:
        return can_publish_initiative(user, initiative)
    if status == InitiativeStatus.ARCHIVED:
        return can_archive_initiative(user, initiative)
    return can_edit_initiative(user, initiative)


# --- Organisations (the porteurs): edited and merged through the initiatives they carry ---


def can_edit_organisation(user: User, organisation) -> bool:
    """A member of a centre that has one of its initiatives (or the national team)."""
    if not _active(user):
        return False
    if is_national_team(user):
        return True
    return editable_initiatives(user).filter(organisation=organisation).exists()


def can_merge_organisations(user: User, organisations) -> bool:
    """Merging moves initiatives: every one of them must be the user's to edit."""
    if not _active(user):
        return False
    if is_national_team(user):
        return True
    carried = Initiative.objects.filter(organisation__in=organisations)
    return (
        carried.exists()
        and not carried.exclude(pk__in=editable_initiatives(user).values("pk")).exists()
    )


def can_manage_harvest(user: User, *, centre_id: int | None) -> bool:
    """Register a centre's harvested sources and decide on their differences."""
    return _covers(user, centre_id)
