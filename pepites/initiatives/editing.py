"""The workspace's edit form saved as one workflow: the initiative, the QPV it says it serves
and a new image, with the user's rights checked, in one transaction (any error undoes it all).
Views call these and map the errors to the form's fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pepites.initiatives import permissions
from pepites.initiatives.images import NewImage, add_initiative_image
from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.initiatives.placement.services import set_served_qpvs
from pepites.initiatives.services import create_initiative, update_initiative
from pepites.network.models import Centre


def _centre(slug: str | None) -> Centre | None:
    return Centre.objects.filter(slug=slug).first() if slug else None


def _add_details(
    *,
    initiative: Initiative,
    served_qpv_codes: Iterable[str],
    image: NewImage | None,
    user: AbstractBaseUser,
) -> None:
    set_served_qpvs(initiative=initiative, qpv_codes=served_qpv_codes)
    if image is not None:
        add_initiative_image(
            initiative=initiative,
            renditions=image.renditions,
            alt_text=image.alt_text,
            credits=image.credits,
            user=user,
        )


@transaction.atomic
def create_initiative_for_centre(
    *,
    user: AbstractBaseUser,
    fields: dict[str, Any],
    served_qpv_codes: Iterable[str] = (),
    image: NewImage | None = None,
) -> Initiative:
    """A new initiative entered by a centre member (ValidationError on the `centre` or
    `status` field when the user may not create or publish it for that centre)."""
    centre = _centre(fields.get("centre_slug"))
    if not permissions.can_create_initiative(user, centre=centre):
        raise ValidationError(
            {"centre": _("Vous ne pouvez pas créer d'initiative pour ce centre.")}
        )
    probe = Initiative(centre=centre, status=InitiativeStatus.DRAFT)
    if not permissions.can_set_status(user, probe, fields.get("status", InitiativeStatus.DRAFT)):
        raise ValidationError({"status": _("Vous ne pouvez pas publier pour ce centre.")})
    initiative = create_initiative(**fields, history_user=user)
    _add_details(initiative=initiative, served_qpv_codes=served_qpv_codes, image=image, user=user)
    return initiative


@transaction.atomic
def save_initiative_edit(
    *,
    initiative: Initiative,
    user: AbstractBaseUser,
    expected_version: int,
    fields: dict[str, Any],
    centre_slug: str | None = None,
    served_qpv_codes: Iterable[str] = (),
    image: NewImage | None = None,
) -> Initiative:
    """The edit form's save over the version the user read (ConflictError if someone saved in
    between). Moving the initiative to another centre needs rights on that centre
    (ValidationError on `centre`); a change of status its own right (PermissionDenied)."""
    if not permissions.can_set_status(user, initiative, fields["status"]):
        raise PermissionDenied
    centre = _centre(centre_slug)
    if centre != initiative.centre:
        if not permissions.can_create_initiative(user, centre=centre):
            raise ValidationError(
                {"centre": _("Vous ne pouvez pas confier cette initiative à ce centre.")}
            )
        initiative.centre = centre
    update_initiative(
        initiative=initiative, expected_version=expected_version, history_user=user, **fields
    )
    _add_details(initiative=initiative, served_qpv_codes=served_qpv_codes, image=image, user=user)
    return initiative
