"""The network's 20 centres: import from centres.csv, coverage against the COG, bad files."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pepites.core.errors import ImportFileError
from pepites.core.models import ReferenceDataset
from pepites.network.centres_csv import COLUMNS, DEFAULT_CENTRES_FILE, read_centres
from pepites.network.models import Centre
from pepites.network.selectors import centre_for_commune, centres_covering_commune
from pepites.network.services import https_url, import_centres
from pepites.territories.models import Departement

HEADER = ",".join(COLUMNS)
GOOD_ROW = (
    "nouveau-centre,Nouveau centre,,Seine-Saint-Denis,dept:93,01 00 00 00 00,www.example.org,active"
)


def departements_of(slug: str) -> list[str]:
    return sorted(Centre.objects.get(slug=slug).departements.values_list("code", flat=True))


def snapshot() -> list[tuple]:
    """Every centre with its coverage: compared before and after a failed import."""
    return [
        (c.slug, c.name, c.coverage, tuple(c.phones), c.website, c.status, departements_of(c.slug))
        for c in Centre.objects.order_by("slug")
    ]


def write_csv(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "centres.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_twenty_centres_one_in_prefiguration(reference_data):
    assert Centre.objects.count() == 20
    prefiguration = Centre.objects.filter(status=Centre.Status.PREFIGURATION)
    assert [c.slug for c in prefiguration] == ["crpv-guadeloupe"]
    guadeloupe = prefiguration.get()
    assert guadeloupe.phones == []
    assert guadeloupe.website == ""
    assert departements_of("crpv-guadeloupe") == ["971"]
    assert ReferenceDataset.objects.get(name="centres").counts == {"centres": 20}


def test_region_coverage_expands_to_all_its_departements(reference_data):
    region_84 = sorted(Departement.objects.filter(region_id="84").values_list("code", flat=True))
    assert len(region_84) == 12
    assert departements_of("labo-cites") == region_84

    bretagne_pdl = Departement.objects.filter(region_id__in=["52", "53"])
    assert departements_of("reso-villes") == sorted(bretagne_pdl.values_list("code", flat=True))
    assert len(departements_of("reso-villes")) == 9


def test_occitanie_is_split_between_two_centres(reference_data):
    assert departements_of("ressources-territoires") == [
        "09",
        "12",
        "31",
        "32",
        "46",
        "65",
        "81",
        "82",
    ]
    assert departements_of("villes-et-territoires") == ["11", "30", "34", "48", "66"]
    covered = set(departements_of("ressources-territoires")) | set(
        departements_of("villes-et-territoires")
    )
    occitanie = set(Departement.objects.filter(region_id="76").values_list("code", flat=True))
    assert covered == occitanie  # the two halves cover all of Occitanie, without overlap

    assert centre_for_commune(commune_code="31555").slug == "ressources-territoires"  # Toulouse
    assert centre_for_commune(commune_code="34172").slug == "villes-et-territoires"  # Montpellier


def test_every_departement_has_at_most_one_centre(reference_data):
    shared = [
        d.code for d in Departement.objects.prefetch_related("centres") if len(d.centres.all()) > 1
    ]
    assert shared == []
    # Uncovered territories fall to the national team.
    assert not centres_covering_commune(commune_code="77288").exists()
    assert not centres_covering_commune(commune_code="92050").exists()
    assert not centres_covering_commune(commune_code="2A004").exists()
    assert centre_for_commune(commune_code="75119").slug == "pole-ressources-paris"


def test_phones_and_websites(reference_data):
    assert Centre.objects.get(slug="villes-et-territoires").phones == [
        "04 67 07 02 38",
        "04 67 07 02 42",
    ]
    assert Centre.objects.get(slug="profession-banlieue").phones == ["01 48 09 26 36"]
    assert Centre.objects.get(slug="oriv").website == "https://www.oriv.org"
    for centre in Centre.objects.exclude(website=""):
        assert centre.website.startswith("https://www.")
        assert "https://" not in centre.website[len("https://") :]
    # Paris and Guadeloupe have no website in the brochure.
    assert set(Centre.objects.filter(website="").values_list("slug", flat=True)) == {
        "pole-ressources-paris",
        "crpv-guadeloupe",
    }
    assert Centre.objects.get(slug="labo-cites").former_name == "CR•DSU"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("www.oriv.org", "https://www.oriv.org"),
        ("https://www.oriv.org", "https://www.oriv.org"),
        ("HTTP://www.oriv.org", "https://www.oriv.org"),
        ("", ""),
    ],
)
def test_https_url(given, stored):
    assert https_url(given) == stored


def test_reimport_is_idempotent(reference_data):
    before = snapshot()
    pks = dict(Centre.objects.values_list("slug", "pk"))

    report = import_centres(rows=read_centres())

    assert (report.created, report.updated) == (0, 20)
    assert snapshot() == before
    assert dict(Centre.objects.values_list("slug", "pk")) == pks
    assert Centre.departements.through.objects.count() == sum(len(c[-1]) for c in before)


def test_load_centres_command(reference_data, capsys):
    call_command("load_centres")
    assert "Centres : 0 créés, 20 mis à jour." in capsys.readouterr().out
    assert Centre.objects.count() == 20


def test_default_file_reads_twenty_rows():
    rows = read_centres(DEFAULT_CENTRES_FILE)
    assert len(rows) == 20
    assert rows[0].line == 2  # line numbers count the header
    assert rows[-1].line == 21
    assert {r.slug: r.coverage for r in rows}["reso-villes"] == (
        ("region", "53"),
        ("region", "52"),
    )


BAD_FILES = {
    "malformed-coverage": (
        [GOOD_ROW, "autre,Autre,,X,departement:93,,,active"],
        3,
        "coverage",
        "Couverture « departement:93 » invalide",
    ),
    "duplicate-slug": (
        [GOOD_ROW, GOOD_ROW.replace("Nouveau centre", "Homonyme")],
        3,
        "slug",
        "Identifiant « nouveau-centre » en double",
    ),
    "bad-slug": (["Nouveau Centre,Nouveau,,X,dept:93,,,active"], 2, "slug", "invalide"),
    "bad-status": (
        [GOOD_ROW, "autre,Autre,,X,dept:95,,,fermé"],
        3,
        "status",
        "Statut « fermé » inconnu",
    ),
    "missing-name": (["autre,,,X,dept:95,,,active"], 2, "name", "Le nom est obligatoire"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_row_names_line_and_column_and_writes_nothing(reference_data, tmp_path, case):
    lines, line, column, message = BAD_FILES[case]
    path = write_csv(tmp_path, *lines)
    before = snapshot()

    with pytest.raises(ImportFileError) as excinfo:
        import_centres(rows=read_centres(path), source_name=str(path))

    error = excinfo.value
    assert (error.path, error.line, error.column) == (str(path), line, column)
    assert f"ligne {line}, colonne {column}" in str(error)
    assert message in str(error)
    assert snapshot() == before


def test_missing_column_is_named(reference_data, tmp_path):
    header = HEADER.replace(",status", "")
    path = write_csv(tmp_path, GOOD_ROW.rsplit(",", 1)[0], header=header)

    with pytest.raises(ImportFileError) as excinfo:
        read_centres(path)

    assert excinfo.value.line == 1
    assert "Colonnes manquantes : status" in str(excinfo.value)


@pytest.mark.parametrize("token", ["region:99", "dept:00"])
def test_coverage_unknown_to_the_cog_rolls_back_earlier_rows(reference_data, tmp_path, token):
    """Row 2 is valid and new, row 3 names a territory the COG does not know: the import
    fails on row 3 and row 2 is not kept either."""
    path = write_csv(
        tmp_path,
        GOOD_ROW,
        f"oriv,ORIV renommé,,Grand Est,{token},,,active",
    )
    before = snapshot()

    with pytest.raises(ImportFileError) as excinfo:
        import_centres(rows=read_centres(path), source_name=str(path))

    error = excinfo.value
    assert (error.line, error.column) == (3, "coverage")
    assert f"Territoire {token} inconnu du COG" in str(error)
    assert snapshot() == before
    assert not Centre.objects.filter(slug="nouveau-centre").exists()


def test_command_reports_the_error_in_french(reference_data, tmp_path):
    path = write_csv(tmp_path, "autre,Autre,,X,dept:95,,,fermé")
    before = snapshot()

    with pytest.raises(CommandError, match=r"ligne 2, colonne status : Statut « fermé » inconnu"):
        call_command("load_centres", str(path))
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("load_centres", str(tmp_path / "absent.csv"))

    assert snapshot() == before
