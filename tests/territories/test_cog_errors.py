"""Malformed COG files: a precise error (file, line or element, field) and nothing written."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from pepites.core.errors import ImportFileError
from pepites.territories.cog import CogDepartement, read_cog
from pepites.territories.models import Commune, Departement, PostalCode, Region
from pepites.territories.services import import_cog

REGIONS = [
    {"code": "11", "nom": "Île-de-France", "zone": "metro"},
    {"code": "84", "nom": "Auvergne-Rhône-Alpes", "zone": "metro"},
]
DEPARTEMENTS = [
    {"code": "93", "nom": "Seine-Saint-Denis", "region": "11", "zone": "metro"},
    {"code": "69", "nom": "Rhône", "region": "84", "zone": "metro"},
]
COMMUNES = [
    {
        "code": "93066",
        "nom": "Saint-Denis",
        "type": "commune-actuelle",
        "departement": "93",
        "region": "11",
        "codesPostaux": ["93200", "93210"],
        "population": 149077,
    },
    {
        "code": "69123",
        "nom": "Lyon",
        "type": "commune-actuelle",
        "departement": "69",
        "region": "84",
        "codesPostaux": ["69001"],
    },
    {
        "code": "69381",
        "nom": "Lyon 1er Arrondissement",
        "type": "arrondissement-municipal",
        "commune": "69123",
        "departement": "69",
        "region": "84",
        "codesPostaux": ["69001"],
    },
    {"code": "93066", "nom": "Ancienne commune", "type": "commune-deleguee"},
]


def write_cog(root: Path, *, regions=REGIONS, departements=DEPARTEMENTS, communes=COMMUNES) -> Path:
    """A package laid out like node_modules/@etalab/decoupage-administratif, one object a line."""
    data_dir = root / "decoupage-administratif" / "data"
    data_dir.mkdir(parents=True)
    (data_dir.parent / "package.json").write_text(json.dumps({"version": "9.9.9"}))
    for name, items in (
        ("regions", regions),
        ("departements", departements),
        ("communes", communes),
    ):
        lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
        (data_dir / f"{name}.json").write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    return data_dir


def territory_counts() -> tuple[int, int, int, int]:
    return (
        Region.objects.count(),
        Departement.objects.count(),
        Commune.objects.count(),
        PostalCode.objects.count(),
    )


def test_valid_small_package_is_read(tmp_path):
    data = read_cog(write_cog(tmp_path))
    assert data.version == "9.9.9"
    assert [r.code for r in data.regions] == ["11", "84"]
    # The commune déléguée is not a current commune.
    assert [(c.code, c.kind, c.parent) for c in data.communes] == [
        ("93066", "commune", None),
        ("69123", "commune", None),
        ("69381", "arrondissement", "69123"),
    ]


def test_broken_json_names_file_line_and_column(tmp_path):
    data_dir = write_cog(tmp_path)
    path = data_dir / "communes.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"code": ', '"code" ', 1)  # a missing colon on line 3
    path.write_text("\n".join(lines), encoding="utf-8")

    with pytest.raises(ImportFileError) as excinfo:
        read_cog(data_dir)

    error = excinfo.value
    assert error.path == str(path)
    assert error.line == 3
    assert error.column is not None
    assert str(error).startswith(f"fichier {path}, ligne 3, colonne ")
    assert "JSON invalide" in str(error)


def test_missing_file_is_named(tmp_path):
    data_dir = write_cog(tmp_path)
    (data_dir / "departements.json").unlink()

    with pytest.raises(ImportFileError) as excinfo:
        read_cog(data_dir)

    assert excinfo.value.path == str(data_dir / "departements.json")
    assert "Fichier introuvable" in str(excinfo.value)
    assert "departements.json" in str(excinfo.value)


def test_entry_without_name_names_element_and_field(tmp_path):
    communes = [dict(c) for c in COMMUNES]
    del communes[1]["nom"]
    data_dir = write_cog(tmp_path, communes=communes)

    with pytest.raises(ImportFileError) as excinfo:
        read_cog(data_dir)

    error = excinfo.value
    assert error.field == "nom"
    assert error.path == str(data_dir / "communes.json")
    assert "communes.json" in str(error)
    assert "Élément n° 2" in str(error)
    assert "champ « nom » manquant ou vide" in str(error)


def test_file_that_is_not_a_list(tmp_path):
    data_dir = write_cog(tmp_path)
    (data_dir / "regions.json").write_text('{"code": "11"}', encoding="utf-8")

    with pytest.raises(ImportFileError, match="liste d'objets"):
        read_cog(data_dir)


@pytest.mark.parametrize(
    ("file", "mutate", "field"),
    [
        ("departements", lambda d: d[1].update(region="99"), "region"),
        ("communes", lambda c: c[0].update(departement="00"), "departement"),
        ("communes", lambda c: c[2].update(commune="69999"), "commune"),
    ],
    ids=[
        "departement-in-unknown-region",
        "commune-in-unknown-departement",
        "orphan-arrondissement",
    ],
)
def test_reference_to_unknown_code(tmp_path, file, mutate, field):
    items = {
        "departements": [dict(d) for d in DEPARTEMENTS],
        "communes": [dict(c) for c in COMMUNES],
    }
    mutate(items[file])
    data_dir = write_cog(tmp_path, **items)

    with pytest.raises(ImportFileError) as excinfo:
        read_cog(data_dir)

    assert excinfo.value.field == field
    assert f"{file}.json" in str(excinfo.value)
    assert "code inconnu" in str(excinfo.value)


@pytest.mark.parametrize("breakage", ["broken-json", "missing-file", "missing-name"])
def test_command_fails_in_french_and_writes_nothing(reference_data, tmp_path, breakage):
    data_dir = write_cog(tmp_path)
    if breakage == "broken-json":
        (data_dir / "communes.json").write_text("[\n{]\n", encoding="utf-8")
        expected = "JSON invalide"
    elif breakage == "missing-file":
        (data_dir / "regions.json").unlink()
        expected = "Fichier introuvable"
    else:
        (data_dir / "departements.json").write_text(
            '[\n{"code": "93", "region": "11"}\n]', encoding="utf-8"
        )
        expected = "champ « nom » manquant ou vide"
    before = territory_counts()
    saint_denis = Commune.objects.values().get(code="93066")

    with pytest.raises(CommandError) as excinfo:
        call_command("load_territories", data_dir=data_dir)

    assert expected in str(excinfo.value)
    assert "fichier " in str(excinfo.value)
    assert territory_counts() == before
    assert Commune.objects.values().get(code="93066") == saint_denis


def test_command_loads_a_valid_package(db, tmp_path, capsys):
    call_command("load_territories", data_dir=write_cog(tmp_path))

    assert territory_counts() == (2, 2, 3, 4)
    assert Commune.objects.get(code="69381").parent_id == "69123"
    output = capsys.readouterr().out
    assert "COG 9.9.9 : 2 régions, 2 départements, 2 communes, 1 arrondissements" in output


@pytest.mark.django_db(transaction=True)
def test_import_is_all_or_nothing(tmp_path):
    """A failure while writing (here a département of a région the reader never checked:
    refused by the foreign key at commit) rolls back everything already written."""
    data = read_cog(write_cog(tmp_path))
    data.departements.append(CogDepartement(code="99", name="X", region="00", zone="metro"))

    with pytest.raises(IntegrityError):
        import_cog(data=data)

    assert territory_counts() == (0, 0, 0, 0)
