"""Writes shared by all domains."""

from dataclasses import dataclass

from pepites.core.models import ReferenceDataset


@dataclass(frozen=True)
class DatasetOrigin:
    """Where a downloaded edition of a reference dataset comes from."""

    version: str
    source: str
    licence: str
    url: str = ""
    checksum: str = ""  # "sha256:…", "sha1:…" or "md5:…"


def record_reference_dataset(
    *,
    name: str,
    source: str,
    version: str,
    licence: str,
    counts: dict[str, int],
    url: str = "",
    checksum: str = "",
) -> ReferenceDataset:
    dataset, _created = ReferenceDataset.objects.update_or_create(
        name=name,
        defaults={
            "source": source,
            "version": version,
            "licence": licence,
            "counts": counts,
            "url": url,
            "checksum": checksum,
        },
    )
    return dataset
