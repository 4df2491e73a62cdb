"""Fetching the official reference geodata from data.gouv.fr: the ANCT's QPV outlines and
Etalab's generalised commune outlines.

Resolve the file (the dataset's API, or a file pinned by the operator with its SHA-256),
skip it when the same edition is already imported, download and verify it, then import it
with import_qpv; the edition (vintage, address, checksum, licence) goes to the
reference-dataset table. Without network the caller falls back to the demonstration
outlines (install_demo_qpvs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from pepites.core.models import ReferenceDataset
from pepites.core.services import DatasetOrigin
from pepites.territories.commune_outlines import (
    COMMUNE_OUTLINES_DATASET_NAME,
    COMMUNE_OUTLINES_LICENCE,
    COMMUNE_OUTLINES_SOURCE,
    read_commune_outlines,
)
from pepites.territories.datagouv import FetchError, GeodataClient, Resource, resources_of, verify
from pepites.territories.models import Qpv, QpvGeneration
from pepites.territories.qpv_files import QPV_DATASET_NAME, QPV_LICENCE, QPV_SOURCE, read_qpv_file
from pepites.territories.services import (
    CommuneOutlinesReport,
    QpvImportReport,
    import_commune_outlines,
    import_qpv,
)

QPV_FORMATS = ("geojson", "json")
_VINTAGE = re.compile(r"QP[_ -]?(\d{4})", re.I)


@dataclass(frozen=True)
class QpvFetchReport:
    resource: Resource
    version: str
    imported: QpvImportReport | None  # None: this edition was already imported


def official_qpv_dataset() -> ReferenceDataset | None:
    """The reference-dataset row of the official list in use, if any."""
    generation = (
        Qpv.objects.filter(is_demo=False)
        .order_by("-generation")
        .values_list("generation", flat=True)
        .first()
    )
    if generation is None:
        return None
    return ReferenceDataset.objects.filter(name=f"{QPV_DATASET_NAME}-{generation}").first()


def pick_qpv_resource(resources: list[Resource]) -> Resource:
    """The outlines of the latest list in WGS84 GeoJSON, metropolitan France and overseas."""
    candidates = [
        r
        for r in resources
        if r.format in QPV_FORMATS or r.filename.lower().endswith((".geojson", ".json"))
    ]
    if not candidates:
        raise FetchError(
            _("Le jeu de données ne propose aucun fichier GeoJSON des contours des QPV.")
        )

    def rank(resource: Resource):
        text = f"{resource.title} {resource.filename}".lower()
        vintage = _VINTAGE.search(text)
        return (
            int(vintage.group(1)) if vintage else 0,
            "wgs84" in text or "4326" in text,
            "outre" in text,
            resource.last_modified,
        )

    return max(candidates, key=rank)


def resource_version(resource: Resource) -> str:
    """What the reference-dataset table calls this edition: "QP2024 (2025-03-12)"."""
    vintage = _VINTAGE.search(f"{resource.title} {resource.filename}")
    name = f"QP{vintage.group(1)}" if vintage else (resource.title or resource.filename)[:36]
    date = resource.last_modified[:10]
    return f"{name} ({date})" if date else name


def resolve_qpv_resource(*, client: GeodataClient) -> Resource:
    if settings.QPV_RESOURCE_URL:  # pinned by the operator, with its SHA-256
        sha256 = settings.QPV_RESOURCE_SHA256
        return Resource(
            url=settings.QPV_RESOURCE_URL,
            title=Path(settings.QPV_RESOURCE_URL).name,
            checksum=f"sha256:{sha256}" if sha256 else "",
            licence=QPV_LICENCE,
        )
    return pick_qpv_resource(resources_of(client.get_json(settings.QPV_DATASET_API_URL)))


def _already_imported(resource: Resource, version: str, stored: ReferenceDataset | None) -> bool:
    if stored is None:
        return False
    if resource.checksum:
        return stored.checksum == resource.checksum
    return stored.url == resource.url and stored.version == version[:50]


def _download(client: GeodataClient, resource: Resource, folder: Path | None) -> tuple[Path, str]:
    """The verified file and its checksum as recorded ("sha1:…" from the API, else the
    file's own SHA-256)."""
    path = client.download(resource, folder=folder or settings.GEODATA_DIR)
    return path, resource.checksum or f"sha256:{verify(path, size=None, checksum='')}"


def fetch_qpv_outlines(
    *, client: GeodataClient, folder: Path | None = None, force: bool = False
) -> QpvFetchReport:
    """Bring the official QPV outlines up to date; raise FetchError (nothing changed) when
    the file cannot be had or is refused, ImportFileError when its content is invalid."""
    resource = resolve_qpv_resource(client=client)
    version = resource_version(resource)
    if not force and _already_imported(resource, version, official_qpv_dataset()):
        return QpvFetchReport(resource=resource, version=version, imported=None)
    path, checksum = _download(client, resource, folder)
    data = read_qpv_file(path)
    if data.generation == QpvGeneration.DEMO:  # impossible from a file; said all the same
        raise FetchError(_("Le fichier téléchargé n'est pas une liste officielle."))
    origin = DatasetOrigin(
        version=version,
        source=f"{QPV_SOURCE} — {resource.page or resource.url}",
        licence=resource.licence or QPV_LICENCE,
        url=resource.url,
        checksum=checksum,
    )
    return QpvFetchReport(
        resource=resource, version=version, imported=import_qpv(data=data, origin=origin)
    )


# --- Commune outlines ---------------------------------------------------------------------

_YEAR = re.compile(r"(?:^|[/_-])(20\d\d)(?:[/_.-]|$)")
_TOLERANCE = re.compile(r"-(\d+)m\b")


@dataclass(frozen=True)
class CommuneOutlinesFetchReport:
    resource: Resource
    version: str
    imported: CommuneOutlinesReport | None  # None: this edition was already imported


def pick_commune_resource(resources: list[Resource], *, edition: str) -> Resource:
    """Etalab's communes file of the wanted generalisation ("100m"), latest year first."""
    candidates = [
        r
        for r in resources
        if r.filename.lower().startswith("communes")
        and r.filename.lower().endswith((".geojson", ".geojson.gz", ".json"))
    ]
    if not candidates:
        raise FetchError(_("Le jeu de données ne propose aucun fichier GeoJSON des communes."))

    def rank(resource: Resource):
        year = _YEAR.search(resource.url)
        tolerance = _TOLERANCE.search(resource.filename)
        return (
            tolerance is not None and tolerance.group(1) + "m" == edition,
            int(year.group(1)) if year else 0,
            resource.last_modified,
        )

    return max(candidates, key=rank)


def commune_resource_version(resource: Resource) -> str:
    year = _YEAR.search(resource.url)
    name = resource.filename.split(".")[0]
    date = resource.last_modified[:10]
    return " ".join(
        part for part in (year.group(1) if year else "", name, date and f"({date})") if part
    )


def fetch_commune_outlines(
    *, client: GeodataClient, folder: Path | None = None, force: bool = False
) -> CommuneOutlinesFetchReport:
    """Bring the communes' outlines up to date (same rules as fetch_qpv_outlines)."""
    if settings.COMMUNE_OUTLINES_RESOURCE_URL:
        sha256 = settings.COMMUNE_OUTLINES_RESOURCE_SHA256
        resource = Resource(
            url=settings.COMMUNE_OUTLINES_RESOURCE_URL,
            title=Path(settings.COMMUNE_OUTLINES_RESOURCE_URL).name,
            checksum=f"sha256:{sha256}" if sha256 else "",
            licence=COMMUNE_OUTLINES_LICENCE,
        )
    else:
        dataset = client.get_json(settings.COMMUNE_OUTLINES_DATASET_API_URL)
        resource = pick_commune_resource(
            resources_of(dataset), edition=settings.COMMUNE_OUTLINES_EDITION
        )
    version = commune_resource_version(resource)
    stored = ReferenceDataset.objects.filter(name=COMMUNE_OUTLINES_DATASET_NAME).first()
    if not force and _already_imported(resource, version, stored):
        return CommuneOutlinesFetchReport(resource=resource, version=version, imported=None)
    path, checksum = _download(client, resource, folder)
    shapes = read_commune_outlines(path)
    origin = DatasetOrigin(
        version=version,
        source=f"{COMMUNE_OUTLINES_SOURCE} — {resource.page or resource.url}",
        licence=resource.licence or COMMUNE_OUTLINES_LICENCE,
        url=resource.url,
        checksum=checksum,
    )
    return CommuneOutlinesFetchReport(
        resource=resource,
        version=version,
        imported=import_commune_outlines(shapes=shapes, origin=origin),
    )
