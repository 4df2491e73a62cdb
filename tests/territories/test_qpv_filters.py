"""The reads behind the map's QPV filters and the /quartiers/ index: finding a QPV by what
a visitor types, the public list filtered by QPV and relation, the index's rows; and the
contributor's "pour les quartiers" statement as the map's data file sees it."""

import pytest

from pepites.initiatives import mapdata
from pepites.initiatives.models import Initiative, InitiativeQpv
from pepites.initiatives.placement.selectors import qpv_index_rows
from pepites.initiatives.placement.services import set_served_qpvs
from pepites.initiatives.selectors import filter_published_initiatives
from pepites.territories.selectors import (
    find_qpvs,
    qpv_code_in_text,
    qpv_index_entries,
    resolve_qpv,
    unknown_qpv_codes,
)
from tests.territories.qpv_fixtures import import_sample_qpvs, place_initiatives_around_qpvs

pytestmark = pytest.mark.django_db


@pytest.fixture
def qpvs(reference_data, tmp_path):
    return import_sample_qpvs(tmp_path)


@pytest.fixture
def around(qpvs):
    return place_initiatives_around_qpvs()


def codes(entries) -> list[str]:
    return [entry.code for entry in entries]


def test_a_code_in_what_is_typed():
    assert qpv_code_in_text(" qn09301m ") == "QN09301M"
    assert qpv_code_in_text("Quartier du Puits — Saint-Denis (QN09301M)") == "QN09301M"
    assert qpv_code_in_text("QP093012") == "QP093012"  # the 2015 list
    assert qpv_code_in_text("Quartier du Puits") == ""
    assert qpv_code_in_text("QN0930") == ""


def test_finding_qpvs_by_code_label_or_words(qpvs):
    assert codes(find_qpvs(text="qn09301m")) == ["QN09301M"]
    assert codes(find_qpvs(text="Quartier du Puits — Saint-Denis (QN09301M)")) == ["QN09301M"]
    assert codes(find_qpvs(text="QN99999M")) == []
    # Words: beginnings of the name's, the communes' or the code's words; accents ignored.
    assert codes(find_qpvs(text="puits")) == ["QN09301M"]
    assert codes(find_qpvs(text="deux rives montreuil")) == ["QN09302M"]
    assert codes(find_qpvs(text="qn093")) == ["QN09303M", "QN09302M", "QN09301M"]
    assert codes(find_qpvs(text="Raïzet")) == ["QN97101M"]
    assert codes(find_qpvs(text="uits")) == []  # not in the middle of a word
    # The territory narrows the words (not a code typed in full).
    assert codes(find_qpvs(text="quartier", departement="974")) == ["QN97401M"]
    assert codes(find_qpvs(text="quartier", region="11", limit=2)) == ["QN09303M", "QN09302M"]
    assert codes(find_qpvs(text="QN97401M", departement="93")) == ["QN97401M"]
    assert codes(find_qpvs(text="  ")) == []


def test_resolving_one_qpv(qpvs):
    entry, _found = resolve_qpv(text="puits")
    assert entry.code == "QN09301M"
    assert entry.label == "Quartier du Puits — Saint-Denis (QN09301M)"
    entry, found = resolve_qpv(text="quartier saint-denis")
    assert entry is None
    assert codes(found) == ["QN09303M", "QN09302M", "QN09301M", "QN97401M"]
    entry, found = resolve_qpv(text="saint denis", departement="974")
    assert entry.code == "QN97401M"
    assert resolve_qpv(text="nulle part") == (None, [])


def test_unknown_codes_are_those_outside_the_current_list(qpvs):
    assert unknown_qpv_codes(["QN09301M", "QN99999M", "QP093012"]) == ["QN99999M", "QP093012"]


def titles(**filters) -> list[str]:
    results = filter_published_initiatives(**filters)
    return sorted(i.title for i in results[: results.count()])


def test_the_public_list_by_qpv_and_relation(around):
    assert titles(qpv_relation="dans") == ["Boutique à l'essai", "Fabrique entre deux quartiers"]
    assert titles(qpv_relation="proximite") == ["Couveuse d'activités"]
    assert titles(qpv_relation="pour") == ["Plateforme emploi"]
    assert titles(qpv_relation="hors") == ["Couveuse lyonnaise", "Plateforme emploi"]
    assert titles(in_qpv=True) == titles(qpv_relation="dans")  # the older spelling
    # One QPV: in it, near it (even when in another) and for it; never the draft.
    puits = ["Boutique à l'essai", "Couveuse d'activités", "Fabrique entre deux quartiers"]
    assert titles(qpv_code="QN09301M") == [*puits, "Plateforme emploi"]
    assert titles(qpv_code="QN09301M", qpv_relation="proximite") == [
        "Couveuse d'activités",
        "Fabrique entre deux quartiers",
    ]
    assert titles(qpv_code="QN09301M", qpv_relation="pour") == ["Plateforme emploi"]
    assert titles(qpv_code="QN09301M", qpv_relation="hors") == []
    assert titles(qpv_code="QN09303M", qpv_relation="dans") == ["Fabrique entre deux quartiers"]
    assert titles(qpv_code="QN99999M") == []
    assert titles(qpv_relation="nimporte") == []
    # With the other filters and with words (ranked by the search module).
    assert titles(qpv_code="QN09301M", themes=["entrepreneuriat"]) == ["Couveuse d'activités"]
    assert titles(qpv_relation="hors", departement="69") == ["Couveuse lyonnaise"]
    assert titles(qpv_code="QN09302M", query="plateforme") == ["Plateforme emploi"]
    assert titles(qpv_code="QN09303M", query="plateforme") == []


def test_index_entries_and_rows(around):
    assert codes(qpv_index_entries()) == [
        "QN09303M",
        "QN09302M",
        "QN09301M",
        "QN97101M",
        "QN97401M",
    ]
    assert codes(qpv_index_entries(region="11")) == ["QN09303M", "QN09302M", "QN09301M"]
    assert codes(qpv_index_entries(departement="974")) == ["QN97401M"]
    assert codes(qpv_index_entries(text="montreuil")) == ["QN09303M", "QN09302M"]
    assert codes(qpv_index_entries(text="montreuil", departement="974")) == []
    rows = {row.entry.code: row for row in qpv_index_rows(entries=qpv_index_entries())}
    puits = rows["QN09301M"]
    assert puits.counts == {"dans": 1, "proximite": 2, "pour": 1}
    assert puits.communes == [{"code": "93066", "name": "Saint-Denis"}]
    assert puits.departement_name == "Seine-Saint-Denis"
    assert rows["QN09302M"].communes == [
        {"code": "93066", "name": "Saint-Denis"},
        {"code": "93048", "name": "Montreuil"},
    ]
    assert rows["QN09302M"].counts == {"pour": 1}
    assert rows["QN09303M"].counts == {"dans": 1}
    assert rows["QN97401M"].counts == {}


def test_the_served_qpvs_date_the_initiative_and_make_a_new_map_version(around, settings):
    settings.MAPDATA_VERSION_SECONDS = 3600  # the services' own signal, not the delay
    lyon = around["lyon"]
    before = mapdata.data_signature()
    updated_at = Initiative.objects.get(pk=lyon.pk).updated_at
    set_served_qpvs(initiative=lyon, qpv_codes=["QN97401M"])
    assert Initiative.objects.get(pk=lyon.pk).updated_at > updated_at
    after = mapdata.data_signature()
    assert after != before
    data = mapdata.decode(mapdata.build().raw)
    row = data["columns"]["id"].index(lyon.pk)
    flags = data["columns"]["flags"][row]
    assert flags == mapdata.FLAG_FOR_QPV | mapdata.FLAG_OUTSIDE_QPV
    # The same statement again writes nothing.
    links = list(InitiativeQpv.objects.filter(initiative=lyon).values_list("pk", flat=True))
    set_served_qpvs(initiative=lyon, qpv_codes=["qn97401m "])
    assert list(InitiativeQpv.objects.filter(initiative=lyon).values_list("pk", flat=True)) == (
        links
    )
    assert mapdata.data_signature() == after
    # Withdrawn: a new version again, and the flag goes.
    set_served_qpvs(initiative=lyon, qpv_codes=[])
    assert mapdata.data_signature() != after
    data = mapdata.decode(mapdata.build().raw)
    assert data["columns"]["flags"][row] == mapdata.FLAG_OUTSIDE_QPV


def test_flags_of_the_map_data_file(around):
    data = mapdata.decode(mapdata.build().raw)
    assert (
        data["header"]["format"] == mapdata.FORMAT == 3
    )  # format 3: programme and label masks (issue 16)
    flags = dict(zip(data["columns"]["id"], data["columns"]["flags"], strict=True))
    assert flags[around["inside"].pk] == mapdata.FLAG_IN_QPV
    assert flags[around["between"].pk] == mapdata.FLAG_IN_QPV
    assert flags[around["near"].pk] == mapdata.FLAG_NEAR_QPV
    assert flags[around["serving"].pk] == mapdata.FLAG_OUTSIDE_QPV | mapdata.FLAG_FOR_QPV
    assert flags[around["lyon"].pk] == mapdata.FLAG_OUTSIDE_QPV
    assert around["draft"].pk not in flags


def test_the_export_command_takes_a_qpv_and_a_relation(around, tmp_path):
    import csv

    from django.core.management import CommandError, call_command

    path = tmp_path / "pour.csv"
    call_command("export_initiatives", "--quartier", "qn09301m", "--relation", "pour", "-o", path)
    with path.open(encoding="utf-8") as handle:
        assert [row["titre"] for row in csv.DictReader(handle)] == ["Plateforme emploi"]
    with pytest.raises(CommandError, match="QN99999M"):
        call_command("export_initiatives", "--quartier", "QN99999M", "-o", path)


def test_the_words_search_reads_the_list_once_until_it_changes(qpvs, django_assert_max_num_queries):
    from django.utils import timezone

    from pepites.territories.models import Qpv

    assert codes(find_qpvs(text="puits")) == ["QN09301M"]
    with django_assert_max_num_queries(1):  # one aggregate, not the list
        assert codes(find_qpvs(text="puits")) == ["QN09301M"]
    Qpv.objects.filter(code="QN09301M").update(name="Quartier du Soleil", updated_at=timezone.now())
    assert codes(find_qpvs(text="soleil")) == ["QN09301M"]
    assert find_qpvs(text="puits") == []
