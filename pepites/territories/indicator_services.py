"""Writes of the QPV's key figures (indicator_files.py reads the INSEE's file)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from pepites.core.dataversion import bump, changes_public_data
from pepites.core.errors import ImportFileError
from pepites.core.models import ReferenceDataset
from pepites.core.services import record_reference_dataset
from pepites.territories.indicator_files import (
    DEMO_INDICATORS_DATASET_NAME,
    DEMO_INDICATORS_FILE,
    DEMO_INDICATORS_SOURCE,
    DEMO_INDICATORS_VINTAGE,
    INDICATORS_BY_KEY,
    INDICATORS_DATASET_NAME,
    INDICATORS_LICENCE,
    INDICATORS_SOURCE,
    IndicatorFile,
    read_indicator_file,
)
from pepites.territories.models import IndicatorScope, Qpv, QpvGeneration, QpvIndicator

VINTAGE_MAX_LENGTH = 20


@dataclass(frozen=True)
class IndicatorImportReport:
    vintage: str
    columns: dict[str, str]
    qpvs: int
    references: int
    added: int
    changed: int
    removed: int
    unchanged: int
    unknown_qpvs: tuple[str, ...]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@transaction.atomic
@changes_public_data
def import_qpv_indicators(
    *,
    data: IndicatorFile,
    vintage: str,
    source: str = INDICATORS_SOURCE,
    dataset_name: str = INDICATORS_DATASET_NAME,
) -> IndicatorImportReport:
    """Store the file's figures as the vintage's: rows of that vintage absent from the file
    are removed, identical ones left untouched (a second import changes nothing). Codes of
    QPV that no stored list holds are reported and skipped."""
    vintage = vintage.strip()
    if not vintage or len(vintage) > VINTAGE_MAX_LENGTH:
        raise ImportFileError(
            _("Millésime invalide : 1 à %(n)s caractères (ex. 2020).") % {"n": VINTAGE_MAX_LENGTH},
            path=data.path,
        )
    file_qpvs = {v.code for v in data.values if v.scope == IndicatorScope.QPV}
    known = set(Qpv.objects.filter(code__in=file_qpvs).values_list("code", flat=True))
    unknown = tuple(sorted(file_qpvs - known))
    wanted = {
        (v.scope, v.code, v.indicator): v
        for v in data.values
        if v.scope != IndicatorScope.QPV or v.code in known
    }
    stored = {
        (row.scope, row.code, row.indicator): row
        for row in QpvIndicator.objects.filter(vintage=vintage)
    }
    added, changed = [], []
    for key, value in wanted.items():
        unit = INDICATORS_BY_KEY[value.indicator].unit
        fields = {"value": value.value, "status": value.status, "unit": unit, "source": source}
        row = stored.get(key)
        if row is None:
            added.append(
                QpvIndicator(scope=key[0], code=key[1], indicator=key[2], vintage=vintage, **fields)
            )
        elif any(getattr(row, name) != new for name, new in fields.items()):
            for name, new in fields.items():
                setattr(row, name, new)
            changed.append(row)
    gone = [row.pk for key, row in stored.items() if key not in wanted]
    QpvIndicator.objects.bulk_create(added, batch_size=2000)
    QpvIndicator.objects.bulk_update(
        changed, ["value", "status", "unit", "source"], batch_size=2000
    )
    QpvIndicator.objects.filter(pk__in=gone).delete()
    report = IndicatorImportReport(
        vintage=vintage,
        columns=data.columns,
        qpvs=len(known),
        references=len({(v.scope, v.code) for v in data.values}) - len(file_qpvs),
        added=len(added),
        changed=len(changed),
        removed=len(gone),
        unchanged=len(wanted) - len(added) - len(changed),
        unknown_qpvs=unknown,
    )
    if report.has_changes or not _recorded(dataset_name, vintage, source):
        record_reference_dataset(
            name=dataset_name,
            source=source,
            version=vintage,
            licence=INDICATORS_LICENCE,
            counts={"qpv": report.qpvs, "references": report.references},
        )
    return report


def _recorded(name: str, vintage: str, source: str) -> bool:
    return ReferenceDataset.objects.filter(name=name, version=vintage, source=source).exists()


def install_demo_indicators() -> IndicatorImportReport | None:
    """The fictional figures of the demonstration QPV, only while the demonstration outlines
    are the QPV in use (else None: nothing changes)."""
    if (
        Qpv.objects.exclude(generation=QpvGeneration.DEMO).exists()
        or not Qpv.objects.filter(generation=QpvGeneration.DEMO).exists()
    ):
        return None
    return import_qpv_indicators(
        data=read_indicator_file(DEMO_INDICATORS_FILE),
        vintage=DEMO_INDICATORS_VINTAGE,
        source=DEMO_INDICATORS_SOURCE,
        dataset_name=DEMO_INDICATORS_DATASET_NAME,
    )


def remove_demo_indicators() -> None:
    """With the demonstration outlines go their fictional figures (services.import_qpv)."""
    QpvIndicator.objects.filter(vintage=DEMO_INDICATORS_VINTAGE).delete()
    ReferenceDataset.objects.filter(name=DEMO_INDICATORS_DATASET_NAME).delete()
    bump()
