"""Writes of the territories domain: the COG and the QPV outlines. The placement of
initiatives against the outlines is initiatives' (initiatives/placement/services.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
import shapely.geometry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from pepites.core.dataversion import changes_public_data
from pepites.core.errors import ImportFileError
from pepites.core.models import ReferenceDataset
from pepites.core.services import DatasetOrigin, record_reference_dataset
from pepites.territories.cog import COG_DATASET_NAME, COG_LICENCE, COG_SOURCE, CogData
from pepites.territories.commune_outlines import (
    COMMUNE_OUTLINES_DATASET_NAME,
    CommuneShape,
    reference_point,
)
from pepites.territories.demo_qpv import DEMO_QPV_LICENCE, DEMO_QPV_SOURCE, demo_qpv_file
from pepites.territories.indicator_services import remove_demo_indicators
from pepites.territories.models import (
    Commune,
    CommuneOutline,
    Departement,
    PostalCode,
    Qpv,
    QpvCommune,
    QpvGeneration,
    Region,
)
from pepites.territories.placement import GEOD
from pepites.territories.qpv_files import (
    COORDINATE_DECIMALS,
    QPV_DATASET_NAME,
    QPV_LICENCE,
    QPV_SOURCE,
    QpvFeature,
    QpvFile,
)

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
@changes_public_data
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


# --- Commune outlines -------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneOutlinesReport:
    outlines: int  # communes of the COG given an outline
    unknown: tuple[str, ...]  # codes of the file absent from the COG loaded (other vintage)


@transaction.atomic
@changes_public_data
def import_commune_outlines(
    *, shapes: list[CommuneShape], origin: DatasetOrigin
) -> CommuneOutlinesReport:
    """Store each known commune's outline and its reference point (centroid, or a point
    inside); all or nothing. Communes absent from the file keep what they had."""
    known = set(Commune.objects.values_list("code", flat=True))
    if not known:
        raise ImportFileError(
            _("Aucune commune en base : chargez d'abord le COG (pepites load_territories).")
        )
    kept = [s for s in shapes if s.code in known]
    outlines, communes = [], []
    for item in kept:
        west, south, east, north = item.geometry.bounds
        outlines.append(
            CommuneOutline(
                commune_id=item.code,
                outline=outline_geojson(item.geometry),
                min_longitude=west,
                min_latitude=south,
                max_longitude=east,
                max_latitude=north,
            )
        )
        longitude, latitude = reference_point(item.geometry)
        communes.append(Commune(code=item.code, latitude=latitude, longitude=longitude))
    CommuneOutline.objects.bulk_create(
        outlines,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["commune"],
        update_fields=["outline", "min_longitude", "min_latitude", "max_longitude", "max_latitude"],
    )
    Commune.objects.bulk_update(communes, fields=["latitude", "longitude"], batch_size=BATCH_SIZE)
    record_reference_dataset(
        name=COMMUNE_OUTLINES_DATASET_NAME,
        source=origin.source[:200],
        version=origin.version[:50],
        licence=origin.licence[:200],
        counts={"communes": CommuneOutline.objects.count()},
        url=origin.url,
        checksum=origin.checksum,
    )
    return CommuneOutlinesReport(
        outlines=len(kept), unknown=tuple(sorted(s.code for s in shapes if s.code not in known))
    )


# --- QPV outlines -----------------------------------------------------------------------


def _keep_demo_apart(data: QpvFile) -> int:
    """The demonstration outlines never sit beside an official list: an official import
    removes them; the demonstration ones are refused beside an
    official list. Returns how many demonstration outlines were removed."""
    demo = Qpv.objects.filter(generation=QpvGeneration.DEMO)
    if data.generation == QpvGeneration.DEMO:
        if Qpv.objects.exclude(generation=QpvGeneration.DEMO).exists():
            raise ImportFileError(
                _(
                    "Une liste officielle des QPV est déjà importée : les contours de "
                    "démonstration ne s'y ajoutent pas."
                ),
                path=data.path,
            )
        return 0
    codes = list(demo.values_list("code", flat=True))
    if codes:
        demo.delete()
        ReferenceDataset.objects.filter(
            name=f"{QPV_DATASET_NAME}-{QpvGeneration.DEMO.value}"
        ).delete()
        remove_demo_indicators()
    return len(codes)


def install_demo_qpvs() -> QpvImportReport | None:
    """Install (or bring up to date) the demonstration outlines, unless an official list is
    stored (then None: nothing changes). Placing the initiatives is the caller's (see
    pepites.initiatives.placement.services.install_demo_qpvs)."""
    if Qpv.objects.exclude(generation=QpvGeneration.DEMO).exists():
        return None
    return import_qpv(data=demo_qpv_file())


@dataclass(frozen=True)
class QpvImportReport:
    generation: str
    source_crs: str
    total: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    repaired: int
    # What placing the initiatives again changed (initiatives/placement/services.import_qpv).
    placement: Any = None
    demo_removed: int = 0  # demonstration outlines replaced by this official list

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.demo_removed)


QPV_FIELDS = [
    "name",
    "departement",
    "region",
    "communes_label",
    "epci_siren",
    "outline",
    "min_longitude",
    "min_latitude",
    "max_longitude",
    "max_latitude",
    "latitude",
    "longitude",
    "area_m2",
]


def outline_geojson(geometry: BaseGeometry) -> str:
    """The stored text of an outline: compact GeoJSON (coordinates already rounded)."""
    return shapely.to_geojson(geometry)


def _qpv_values(feature: QpvFeature, region_code: str) -> dict:
    west, south, east, north = feature.geometry.bounds
    inner = feature.geometry.representative_point()
    area, _perimeter = GEOD.geometry_area_perimeter(feature.geometry)
    return {
        "name": feature.name,
        "departement_id": feature.departement_code,
        "region_id": region_code,
        "communes_label": feature.communes_label,
        "epci_siren": feature.epci_siren,
        "outline": outline_geojson(feature.geometry),
        "min_longitude": west,
        "min_latitude": south,
        "max_longitude": east,
        "max_latitude": north,
        "latitude": round(inner.y, COORDINATE_DECIMALS),
        "longitude": round(inner.x, COORDINATE_DECIMALS),
        "area_m2": round(abs(area), 1),
    }


def _check_departements(data: QpvFile) -> dict[str, str]:
    """Région of each département named in the file; the COG must be loaded first."""
    regions = dict(Departement.objects.values_list("code", "region_id"))
    if not regions:
        raise ImportFileError(
            _(
                "Aucun département en base : chargez d'abord le Code officiel géographique "
                "(pepites load_territories)."
            ),
            path=data.path,
        )
    for feature in data.features:
        region = regions.get(feature.departement_code)
        if region is None:
            raise ImportFileError(
                _("Entité n° %(n)s (%(code)s) : département « %(dep)s » inconnu du COG.")
                % {"n": feature.position, "code": feature.code, "dep": feature.departement_code},
                path=data.path,
                field="insee_dep",
            )
        if feature.region_code and feature.region_code != region:
            raise ImportFileError(
                _(
                    "Entité n° %(n)s (%(code)s) : la région « %(reg)s » ne correspond pas au "
                    "département %(dep)s (région %(expected)s dans le COG)."
                )
                % {
                    "n": feature.position,
                    "code": feature.code,
                    "reg": feature.region_code,
                    "dep": feature.departement_code,
                    "expected": region,
                },
                path=data.path,
                field="insee_reg",
            )
    return regions


@transaction.atomic
@changes_public_data
def import_qpv(
    *,
    data: QpvFile,
    partial: bool = False,
    origin: DatasetOrigin | None = None,
) -> QpvImportReport:
    """Bring the stored QPV of the file's generation in line with the file; all or nothing.

    The file is the complete list of its generation: QPV of that generation missing from it
    are removed, unless `partial` (a file holding only part of the list). Running it twice
    changes nothing. Placing the initiatives again is the caller's (see
    pepites.initiatives.placement.services.import_qpv). An official list replaces the
    demonstration outlines. `origin` (a downloaded edition) goes to the reference-dataset
    table; else the file's name is the version.
    """
    regions = _check_departements(data)
    demo_removed = _keep_demo_apart(data)
    existing = {q.code: q for q in Qpv.objects.filter(generation=data.generation)}
    other_generation = set(
        Qpv.objects.exclude(generation=data.generation)
        .filter(code__in=[f.code for f in data.features])
        .values_list("code", flat=True)
    )
    if other_generation:  # impossible with well-formed codes (QP/QN), but said clearly
        raise ImportFileError(
            _("Codes déjà présents dans une autre génération de la liste : %(codes)s.")
            % {"codes": ", ".join(sorted(other_generation))},
            path=data.path,
        )
    stored_communes: dict[str, list[str]] = {}
    for qpv_code, commune_code in QpvCommune.objects.filter(
        qpv__generation=data.generation
    ).values_list("qpv_id", "commune_code"):
        stored_communes.setdefault(qpv_code, []).append(commune_code)
    now = timezone.now()
    added, changed, to_create, to_update = [], [], [], []
    communes_to_write: dict[str, tuple[str, ...]] = {}
    for feature in data.features:
        values = _qpv_values(feature, regions[feature.departement_code])
        current = existing.get(feature.code)
        if current is None:
            added.append(feature.code)
            to_create.append(
                Qpv(
                    code=feature.code,
                    generation=data.generation,
                    is_demo=data.generation == QpvGeneration.DEMO,
                    updated_at=now,
                    **values,
                )
            )
            communes_to_write[feature.code] = feature.commune_codes
            continue
        differs = any(getattr(current, k) != v for k, v in values.items())
        communes_differ = tuple(stored_communes.get(feature.code, ())) != feature.commune_codes
        if differs or communes_differ:
            changed.append(feature.code)
            for key, value in values.items():
                setattr(current, key, value)
            current.updated_at = now
            to_update.append(current)
            communes_to_write[feature.code] = feature.commune_codes
    file_codes = {f.code for f in data.features}
    removed = [] if partial else sorted(set(existing) - file_codes)
    if removed:
        Qpv.objects.filter(code__in=removed).delete()
    Qpv.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Qpv.objects.bulk_update(to_update, fields=[*QPV_FIELDS, "updated_at"], batch_size=500)
    QpvCommune.objects.filter(qpv_id__in=list(communes_to_write)).delete()
    QpvCommune.objects.bulk_create(
        [
            QpvCommune(qpv_id=code, commune_code=commune, position=position)
            for code, communes in communes_to_write.items()
            for position, commune in enumerate(communes)
        ],
        batch_size=BATCH_SIZE,
    )
    report = QpvImportReport(
        generation=data.generation,
        source_crs=data.source_crs,
        total=len(data.features),
        added=tuple(sorted(added)),
        changed=tuple(sorted(changed)),
        removed=tuple(removed),
        unchanged=len(data.features) - len(added) - len(changed),
        repaired=data.repaired,
        demo_removed=demo_removed,
    )
    dataset_name = f"{QPV_DATASET_NAME}-{data.generation}"
    stored = ReferenceDataset.objects.filter(name=dataset_name).first()
    if report.has_changes or stored is None or (origin and stored.checksum != origin.checksum):
        if origin is None:
            demo = data.generation == QpvGeneration.DEMO
            origin = DatasetOrigin(
                version=Path(data.path).name,
                source=DEMO_QPV_SOURCE if demo else QPV_SOURCE,
                licence=DEMO_QPV_LICENCE if demo else QPV_LICENCE,
            )
        record_reference_dataset(
            name=dataset_name,
            source=origin.source[:200],
            version=origin.version[:50],
            licence=origin.licence[:200],
            counts={"qpv": Qpv.objects.filter(generation=data.generation).count()},
            url=origin.url,
            checksum=origin.checksum,
        )
    return report
