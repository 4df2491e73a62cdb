"""Deleting initiatives (the administration's delete actions): with what follows a deletion."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.initiatives import mapdata
from pepites.initiatives.models import Initiative
from pepites.initiatives.search_documents import unindex_initiatives


@transaction.atomic
def delete_initiatives(
    *, initiatives: Iterable[Initiative], actor: AbstractBaseUser | None = None
) -> int:
    """Delete these initiatives: one audit entry each (when someone acts), out of the search
    index and off the map. Returns how many were deleted."""
    chosen = list(initiatives)
    if actor is not None:
        for initiative in chosen:
            record(action=Action.DELETE, actor=actor, target=initiative)
    ids = [initiative.pk for initiative in chosen]
    Initiative.objects.filter(pk__in=ids).delete()
    unindex_initiatives(ids=ids)
    mapdata.data_changed()
    return len(ids)
