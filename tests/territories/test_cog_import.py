"""The whole COG as shipped by @etalab/decoupage-administratif 6.0.0: counts, links between
territories, postal codes, idempotent re-import. The only module that loads every commune."""

import pytest
from django.conf import settings

from pepites.core.models import ReferenceDataset
from pepites.network.selectors import centre_for_commune
from pepites.territories.cog import COG_DATASET_NAME, COG_LICENCE, read_cog
from pepites.territories.models import Commune, Departement, PostalCode, Region
from pepites.territories.selectors import communes_for_postal_code, get_commune
from pepites.territories.services import import_cog

pytestmark = pytest.mark.slow

EXPECTED = {"regions": 26, "departements": 109, "communes": 34_969, "arrondissements": 45}


def territory_counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "departements": Departement.objects.count(),
        "communes": Commune.objects.filter(kind=Commune.Kind.COMMUNE).count(),
        "arrondissements": Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).count(),
        "postal_codes": PostalCode.objects.count(),
    }


def check_counts_and_dataset() -> None:
    counts = territory_counts()
    assert {k: counts[k] for k in EXPECTED} == EXPECTED
    assert counts["postal_codes"] > 35_000  # one row per (postal code, commune)

    dataset = ReferenceDataset.objects.get(name=COG_DATASET_NAME)
    assert dataset.version == "6.0.0"
    assert dataset.licence == COG_LICENCE
    assert "Licence Ouverte" in dataset.licence
    assert dataset.counts == EXPECTED


def check_links() -> None:
    """Each commune resolves to its département, its région and the centre covering it."""
    saint_denis = get_commune(code="93066")
    assert saint_denis.name == "Saint-Denis"
    assert saint_denis.departement.code == "93"
    assert saint_denis.region.code == "11"
    assert saint_denis.departement.region_id == "11"
    assert centre_for_commune(commune_code="93066").slug == "profession-banlieue"

    # Seine-et-Marne has no centre: the national team takes over.
    melun = get_commune(code="77288")
    assert (melun.departement_id, melun.region_id) == ("77", "11")
    assert centre_for_commune(commune_code="77288") is None

    ajaccio = get_commune(code="2A004")
    assert ajaccio.name == "Ajaccio"
    assert ajaccio.departement_id == "2A"
    assert ajaccio.region.name == "Corse"
    assert centre_for_commune(commune_code="2A004") is None

    reunion = get_commune(code="97411")
    assert reunion.departement_id == "974"
    assert reunion.region.name == "La Réunion"
    assert reunion.region.zone == "drom"
    assert centre_for_commune(commune_code="97411").slug == "cr-csur"

    lyon_1er = get_commune(code="69381")
    assert lyon_1er.kind == Commune.Kind.ARRONDISSEMENT
    assert lyon_1er.parent_id == "69123"
    assert lyon_1er.parent.name == "Lyon"
    assert centre_for_commune(commune_code="69381").slug == "labo-cites"
    assert Commune.objects.get(code="75056").arrondissements.count() == 20
    assert Commune.objects.get(code="13055").arrondissements.count() == 16

    assert [c.code for c in communes_for_postal_code(postal_code="93200")] == ["93066"]
    assert set(saint_denis.postal_codes) == {"93200", "93210", "93380"}
    assert set(PostalCode.objects.filter(commune_id="93066").values_list("code", flat=True)) == set(
        saint_denis.postal_codes
    )


def test_full_import_then_idempotent_reimport(full_reference_data):
    """One test, so that the 35,000 communes are loaded once and re-imported once."""
    check_counts_and_dataset()
    check_links()
    before = territory_counts()
    saint_denis_before = Commune.objects.values().get(code="93066")

    report = import_cog(data=read_cog(settings.COG_DATA_DIR))

    assert territory_counts() == before
    assert Commune.objects.values().get(code="93066") == saint_denis_before
    assert (report.version, report.regions, report.departements) == ("6.0.0", 26, 109)
    assert report.communes == EXPECTED["communes"]
    assert report.arrondissements == EXPECTED["arrondissements"]
    assert report.postal_codes == before["postal_codes"]
    # No duplicate (code, commune) pair; one dataset record; links unchanged.
    assert PostalCode.objects.values("code", "commune").distinct().count() == before["postal_codes"]
    assert ReferenceDataset.objects.filter(name=COG_DATASET_NAME).count() == 1
    check_counts_and_dataset()
    check_links()
