"""Writes shared by all domains."""

from pepites.core.models import ReferenceDataset


def record_reference_dataset(
    *, name: str, source: str, version: str, licence: str, counts: dict[str, int]
) -> ReferenceDataset:
    dataset, _created = ReferenceDataset.objects.update_or_create(
        name=name,
        defaults={"source": source, "version": version, "licence": licence, "counts": counts},
    )
    return dataset
