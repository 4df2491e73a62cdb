"""Writes of the territories domain."""

from dataclasses import dataclass

from django.db import transaction

from pepites.core.services import record_reference_dataset
from pepites.territories.cog import COG_DATASET_NAME, COG_LICENCE, COG_SOURCE, CogData
from pepites.territories.models import Commune, Departement, PostalCode, Region

BATCH_SIZE = 2000


@dataclass(frozen=True)
class CogImportReport:
    version: str
    regions: int
    departements: int
    communes: int
    arrondissements: int
    postal_codes: int


@transaction.atomic
def import_cog(*, data: CogData) -> CogImportReport:
    """Insert or update every région, département and commune; idempotent, all or nothing."""
    Region.objects.bulk_create(
        [Region(code=r.code, name=r.name, zone=r.zone) for r in data.regions],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "zone"],
    )
    Departement.objects.bulk_create(
        [
            Departement(code=d.code, name=d.name, region_id=d.region, zone=d.zone)
            for d in data.departements
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "region", "zone"],
    )
    # Communes first, arrondissements after: an arrondissement points at its commune.
    ordered = sorted(data.communes, key=lambda c: c.kind != "commune")
    Commune.objects.bulk_create(
        [
            Commune(
                code=c.code,
                name=c.name,
                kind=c.kind,
                departement_id=c.departement,
                region_id=c.region,
                parent_id=c.parent,
                population=c.population,
                postal_codes=list(c.postal_codes),
            )
            for c in ordered
        ],
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "name",
            "kind",
            "departement",
            "region",
            "parent",
            "population",
            "postal_codes",
        ],
    )
    PostalCode.objects.all().delete()
    postal_codes = [
        PostalCode(code=postal_code, commune_id=c.code)
        for c in data.communes
        for postal_code in sorted(set(c.postal_codes))
    ]
    PostalCode.objects.bulk_create(postal_codes, batch_size=BATCH_SIZE)
    report = CogImportReport(
        version=data.version,
        regions=len(data.regions),
        departements=len(data.departements),
        communes=sum(1 for c in data.communes if c.kind == "commune"),
        arrondissements=sum(1 for c in data.communes if c.kind == "arrondissement"),
        postal_codes=len(postal_codes),
    )
    record_reference_dataset(
        name=COG_DATASET_NAME,
        source=COG_SOURCE,
        version=data.version,
        licence=COG_LICENCE,
        counts={
            "regions": report.regions,
            "departements": report.departements,
            "communes": report.communes,
            "arrondissements": report.arrondissements,
        },
    )
    return report
