"""The QPV table of the gaps report: which QPV, in which order (no database needed)."""

import pickle

from pepites.insights.gaps import GapsReport, QpvRow, select_qpvs


def row(code, *, dep="93", reg="11", name=None, total=0, population=None):
    return QpvRow(
        code=code,
        name=name or code,
        departement_code=dep,
        region_code=reg,
        communes_label="",
        commune_codes=[],
        latitude=48.9,
        longitude=2.3,
        total=total,
        population=population,
    )


def report(*rows):
    return GapsReport(
        centre=None,
        themes=[],
        regions=[],
        departements=[],
        qpvs=list(rows),
        total=sum(r.total for r in rows),
        by_theme={},
        generation="2024",
    )


QPVS = report(
    row("A", name="Zola", population=1_000),
    row("B", name="Allende", total=4),
    row("C", name="Berlioz", population=9_000),
    row("D", dep="974", reg="04", name="Chaudron", population=20_000, total=1),
    row("E", dep="974", reg="04", name="Bas de la Rivière"),
)


def codes(rows):
    return [r.code for r in rows]


def test_without_initiative_most_populated_first_unknown_last():
    assert codes(select_qpvs(QPVS)) == ["C", "A", "E"]
    assert codes(QPVS.qpvs_without) == ["C", "A", "E"]


def test_states_and_orders():
    assert codes(select_qpvs(QPVS, state="avec", sort="initiatives")) == ["B", "D"]
    assert codes(select_qpvs(QPVS, state="tous", sort="nom")) == ["B", "E", "C", "D", "A"]
    assert codes(select_qpvs(QPVS, state="tous", sort="departement")) == list("ABCDE")
    assert codes(select_qpvs(QPVS, state="tous", sort="population")) == list("DCABE")
    assert codes(select_qpvs(QPVS, state="tous", sort="inconnu")) == list("DCABE")


def test_filters_by_region_and_departement():
    assert codes(select_qpvs(QPVS, state="tous", region="04")) == ["D", "E"]
    assert codes(select_qpvs(QPVS, departement="93")) == ["C", "A"]
    assert select_qpvs(QPVS, region="11", departement="974") == []


def test_what_a_process_derives_is_not_stored_in_the_shared_cache():
    fresh = report(row("A"), row("B", total=1))
    fresh.sorted_qpvs("nom")
    assert fresh.kept("answer", lambda: 42) == 42
    assert fresh.kept("answer", lambda: 0) == 42  # computed once
    copy = pickle.loads(pickle.dumps(fresh))
    assert copy.kept("answer", lambda: 0) == 0
    assert codes(copy.qpvs) == ["A", "B"]
