"""Writes of the network domain."""

import re
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext as _

from pepites.core.dataversion import changes_public_data
from pepites.core.errors import ImportFileError
from pepites.core.services import record_reference_dataset
from pepites.network.centres_csv import CentreRow
from pepites.network.models import Centre
from pepites.territories.models import Departement


@dataclass(frozen=True)
class CentresImportReport:
    created: int
    updated: int


def https_url(address: str) -> str:
    """The file lists bare host names (www.oriv.org); a scheme given anyway is not doubled."""
    address = re.sub(r"^https?://", "", address.strip(), flags=re.IGNORECASE)
    return f"https://{address}" if address else ""


def resolve_coverage(*, coverage: tuple[tuple[str, str], ...]) -> list[str]:
    """Département codes covered by a list of ("region"|"dept", code) tokens."""
    codes: set[str] = set()
    for kind, code in coverage:
        if kind == "region":
            found = list(Departement.objects.filter(region_id=code).values_list("code", flat=True))
        else:
            found = list(Departement.objects.filter(code=code).values_list("code", flat=True))
        if not found:
            raise ValueError(f"{kind}:{code}")
        codes.update(found)
    return sorted(codes)


@transaction.atomic
@changes_public_data
def import_centres(
    *, rows: list[CentreRow], source_name: str = "centres.csv"
) -> CentresImportReport:
    """Create or update the centres by slug and resolve their coverage against the COG."""
    created = updated = 0
    for row in rows:
        try:
            departement_codes = resolve_coverage(coverage=row.coverage)
        except ValueError as exc:
            raise ImportFileError(
                _("Territoire %(token)s inconnu du COG : chargez d'abord les territoires.")
                % {"token": exc.args[0]},
                path=source_name,
                line=row.line,
                column="coverage",
            ) from exc
        centre, was_created = Centre.objects.update_or_create(
            slug=row.slug,
            defaults={
                "name": row.name,
                "former_name": row.former_name,
                "territory_label": row.territory_label,
                "coverage": " ".join(f"{kind}:{code}" for kind, code in row.coverage),
                "phones": list(row.phones),
                "website": https_url(row.website),
                "status": row.status,
            },
        )
        centre.departements.set(cast(list[Any], departement_codes))  # codes are the keys
        created += was_created
        updated += not was_created
    record_reference_dataset(
        name="centres",
        source=_("Réseau national des centres de ressources politique de la ville (plaquette)"),
        version=str(len(rows)),
        licence=_("Données publiques du réseau"),
        counts={"centres": len(rows)},
    )
    return CentresImportReport(created=created, updated=updated)
