"""Reading INSEE's Code officiel géographique as shipped by the npm package
`@etalab/decoupage-administratif` (data/*.json). Reading only: writing is in services."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from pepites.core.errors import ImportFileError

COG_DATASET_NAME = "cog"
COG_SOURCE = "@etalab/decoupage-administratif (INSEE, Code officiel géographique)"
COG_LICENCE = "Données : Licence Ouverte 2.0 (INSEE) ; paquet : MIT (Etalab)"


@dataclass(frozen=True)
class CogRegion:
    code: str
    name: str
    zone: str


@dataclass(frozen=True)
class CogDepartement:
    code: str
    name: str
    region: str
    zone: str


@dataclass(frozen=True)
class CogCommune:
    code: str
    name: str
    kind: str
    departement: str
    region: str
    parent: str | None
    population: int | None
    postal_codes: tuple[str, ...]


@dataclass
class CogData:
    version: str
    regions: list[CogRegion] = field(default_factory=list)
    departements: list[CogDepartement] = field(default_factory=list)
    communes: list[CogCommune] = field(default_factory=list)


def _load_json(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError as exc:
        raise ImportFileError(
            _(
                "Fichier introuvable : %(path)s. Lancez « make install » pour récupérer les données du COG."
            )
            % {"path": path},
            path=str(path),
        ) from exc
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("JSON invalide : %(msg)s") % {"msg": exc.msg},
            path=str(path),
            line=exc.lineno,
            column=exc.colno,
        ) from exc
    if not isinstance(data, list):
        raise ImportFileError(_("Le fichier doit contenir une liste d'objets."), path=str(path))
    return data


def _field(path: Path, index: int, row: dict, key: str) -> str:
    value = row.get(key) if isinstance(row, dict) else None
    if not isinstance(value, str) or not value:
        raise ImportFileError(
            _("Élément n° %(index)s : champ « %(key)s » manquant ou vide.")
            % {"index": index + 1, "key": key},
            path=str(path),
            field=key,
        )
    return value


def _reference(path: Path, index: int, key: str, value: str | None, known: set[str]) -> None:
    """A code pointing at another entry must exist: the database would refuse it at commit."""
    if value is not None and value not in known:
        raise ImportFileError(
            _("Élément n° %(index)s : « %(key)s » vaut « %(value)s », code inconnu.")
            % {"index": index + 1, "key": key, "value": value},
            path=str(path),
            field=key,
        )


def read_cog(data_dir: Path) -> CogData:
    """Parse the package's JSON files; raise ImportFileError on anything unexpected."""
    package_json = data_dir.parent / "package.json"
    version = "inconnue"
    if package_json.exists():
        try:
            version = json.loads(package_json.read_text(encoding="utf-8")).get("version", version)
        except (json.JSONDecodeError, AttributeError) as exc:
            raise ImportFileError(_("package.json illisible."), path=str(package_json)) from exc
    data = CogData(version=version)

    path = data_dir / "regions.json"
    for i, row in enumerate(_load_json(path)):
        data.regions.append(
            CogRegion(
                code=_field(path, i, row, "code"),
                name=_field(path, i, row, "nom"),
                zone=row.get("zone", "metro"),
            )
        )

    region_codes = {r.code for r in data.regions}
    path = data_dir / "departements.json"
    for i, row in enumerate(_load_json(path)):
        data.departements.append(
            CogDepartement(
                code=_field(path, i, row, "code"),
                name=_field(path, i, row, "nom"),
                region=_field(path, i, row, "region"),
                zone=row.get("zone", "metro"),
            )
        )
        _reference(path, i, "region", data.departements[-1].region, region_codes)

    departement_codes = {d.code for d in data.departements}
    path = data_dir / "communes.json"
    kinds = {"commune-actuelle": "commune", "arrondissement-municipal": "arrondissement"}
    indexes: list[int] = []
    for i, row in enumerate(_load_json(path)):
        kind = kinds.get(row.get("type", "") if isinstance(row, dict) else "")
        if kind is None:  # communes déléguées and associées are not current communes
            continue
        population = row.get("population")
        data.communes.append(
            CogCommune(
                code=_field(path, i, row, "code"),
                name=_field(path, i, row, "nom"),
                kind=kind,
                departement=_field(path, i, row, "departement"),
                region=_field(path, i, row, "region"),
                parent=row.get("commune") if kind == "arrondissement" else None,
                population=population if isinstance(population, int) else None,
                postal_codes=tuple(row.get("codesPostaux") or ()),
            )
        )
        indexes.append(i)
        commune = data.communes[-1]
        _reference(path, i, "departement", commune.departement, departement_codes)
        _reference(path, i, "region", commune.region, region_codes)
    commune_codes = {c.code for c in data.communes if c.kind == "commune"}
    for i, commune in zip(indexes, data.communes, strict=True):
        if commune.kind == "arrondissement":
            _reference(path, i, "commune", commune.parent or "", commune_codes)
    return data
