"""Writing organisations: creation, changes, and the data of the directory of companies."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pepites.organisations.models import Organisation
from pepites.organisations.names import normalise_name
from pepites.organisations.sirene import CompanyRecord, SireneClient, sirene
from pepites.organisations.validators import clean_siret

EDITABLE_FIELDS = frozenset({"name", "kind", "siret", "website", "commune", "is_demo"})


def create_organisation(*, name: str, **fields) -> Organisation:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation(name=" ".join(name.split())[:200], **fields)
    organisation.siret = clean_siret(organisation.siret)
    organisation.normalised_name = normalise_name(organisation.name)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def update_organisation(*, organisation: Organisation, **fields) -> Organisation:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    siret_changed = "siret" in fields and clean_siret(fields["siret"]) != organisation.siret
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.name = " ".join(organisation.name.split())[:200]
    organisation.siret = clean_siret(organisation.siret)
    organisation.normalised_name = normalise_name(organisation.name)
    if siret_changed:  # the directory's data described the former SIRET
        _clear_directory_data(organisation)
    organisation.full_clean()
    organisation.save()
    return organisation


def _clear_directory_data(organisation: Organisation) -> None:
    organisation.legal_name = organisation.naf_code = organisation.headcount_band = ""
    organisation.administrative_state = ""
    organisation.creation_date = organisation.closed_on = organisation.looked_up_at = None
    organisation.is_ess = None


def apply_directory_record(*, organisation: Organisation, record: CompanyRecord) -> bool:
    """Store what the directory said of the organisation's SIRET; True when it now shows
    as closed while it did not before."""
    if not record.found:
        return False
    was_closed = organisation.is_closed
    organisation.legal_name = record.legal_name
    organisation.naf_code = record.naf_code
    organisation.creation_date = record.creation()
    organisation.headcount_band = record.headcount_band
    organisation.is_ess = record.is_ess
    organisation.administrative_state = record.administrative_state
    organisation.closed_on = record.closure()
    organisation.looked_up_at = timezone.now()
    Organisation.objects.filter(pk=organisation.pk).update(
        legal_name=organisation.legal_name,
        naf_code=organisation.naf_code,
        creation_date=organisation.creation_date,
        headcount_band=organisation.headcount_band,
        is_ess=organisation.is_ess,
        administrative_state=organisation.administrative_state,
        closed_on=organisation.closed_on,
        looked_up_at=organisation.looked_up_at,
        updated_at=timezone.now(),
    )
    return organisation.is_closed and not was_closed


def look_up_organisation(
    *, organisation: Organisation, client: SireneClient | None = None
) -> CompanyRecord:
    """Ask the directory about the organisation's SIRET and keep its answer (when found).
    The record's status and message say what happened, in French."""
    own = client is None
    client = client or sirene()
    try:
        record = client.lookup_siret(organisation.siret)
    finally:
        if own:
            client.close()
    apply_directory_record(organisation=organisation, record=record)
    return record
