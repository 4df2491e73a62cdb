"""Writing an import in batches (pepites/initiatives/imports/writer.py): the same stored
initiatives, versions, QPV placement, search index and map data as creating them one by one
through `create_initiative`; a number of queries that hardly grows with the rows; a
reference deleted during the check reported at its line, and nothing written."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pepites.initiatives import mapdata
from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.imports.report import CREATE, INVALID, UPDATE
from pepites.initiatives.imports.rows import auto_ref
from pepites.initiatives.models import (
    Initiative,
    InitiativeQpv,
    InitiativeStatus,
    LocationStatus,
    QpvPlacement,
    Theme,
)
from pepites.initiatives.selectors import search_initiative_ids
from pepites.initiatives.services import create_initiative, unique_slugs
from tests.initiatives import import_files as files
from tests.initiatives.helpers import new_initiative
from tests.territories.qpv_fixtures import at, import_sample_qpvs

FILENAME = "lot.csv"
HEADERS = [
    "titre",
    "resume",
    "porteur",
    "type_porteur",
    "thematiques",
    "code_commune",
    "latitude",
    "longitude",
    "annee_demarrage",
    "liens",
    "etat",
    "contexte",
    "contact_nom",
    "contact_courriel",
    "contact_consentement",
]
COMMUNES = ["69123", "93066", "93048", "13055", "59350", "2A004", "97411", "77288"]
THEMES = [
    ["commerce-proximite"],
    ["ess", "emploi-insertion"],
    ["numerique"],
    ["mobilite", "ess"],
    ["entrepreneuriat"],
]
PORTEURS = ["Tilleuls", "Canal", "Butte"]
KINDS = ["association", "cooperative", "entreprise"]


def _point(n: int, commune: str) -> dict[str, float]:
    if commune == "93066":  # Saint-Denis: in QN09301M, or 150 m west of it
        return at(100, 100 + n) if n % 16 == 1 else at(-150, 300 + n)
    if commune == "69123":
        return {"latitude": 45.76 + n / 10_000, "longitude": 4.83}  # Lyon, far from any QPV
    return {}


def lot(count: int, *, first: int = 1) -> list[tuple[list[str], dict]]:
    """Rows of a file, each with the arguments of `create_initiative` that make the same
    initiative (what the importer made of such a row before it wrote in batches)."""
    made = []
    for n in range(first, first + count):
        commune, themes = COMMUNES[n % len(COMMUNES)], THEMES[n % len(THEMES)]
        # The same title in several communes (n < 56: never twice in one): numbered slugs.
        title = "Atelier partagé" if n % 7 == 0 and n < 56 else f"Atelier partagé n° {n}"
        summary = f"Un atelier de quartier ouvert à tous, le numéro {n} : réparer, prêter."
        porteur = f"Collectif des {PORTEURS[n % 3]} {n}"
        status = InitiativeStatus.PUBLISHED if n % 3 else InitiativeStatus.DRAFT
        point = _point(n, commune)
        link = (f"https://atelier-{n}.example.org", "Site de l'atelier") if n % 2 else None
        # Markdown with a tag that the cleaning takes out (pepites/core/richtext.py).
        context = (
            "Un **atelier** <b>ouvert</b> à tous.\n\n- réparer\n- prêter" if n % 5 == 0 else ""
        )
        contact = ("Camille Martin", f"camille{n}@example.org") if n % 4 == 0 else ("", "")
        row = [
            title,
            summary,
            porteur,
            KINDS[n % 3],
            " ; ".join(themes),
            commune,
            str(point.get("latitude", "")),
            str(point.get("longitude", "")),
            str(2010 + n % 15),
            f"{link[0]} {link[1]}" if link else "",
            status,
            context,
            *contact,
            "oui" if contact[0] else "",
        ]
        kwargs = {
            "title": title,
            "summary": summary,
            "porteur_name": porteur,
            "commune_code": commune,
            "theme_slugs": themes,
            "principal_theme_slug": themes[0],
            "links": [link] if link else [],
            "source_ref": auto_ref(title, commune),
            "status": status,
            "porteur_kind": KINDS[n % 3],
            "start_year": 2010 + n % 15,
            "history_reason": f"Import du fichier « {FILENAME} »",
        }
        if context:
            kwargs["context"] = context
        if contact[0]:
            kwargs.update(contact_name=contact[0], contact_email=contact[1], contact_consent=True)
        if point:
            kwargs.update(point, location_status=LocationStatus.MANUAL)
        made.append((row, kwargs))
    return made


def csv_of(made: list[tuple[list[str], dict]]) -> bytes:
    return files.csv_bytes([HEADERS, *[row for row, _kwargs in made]], encoding="utf-8")


def run(data: bytes, **options):
    return run_import(data, ImportOptions(filename=FILENAME, geocode=False, **options))


# Differ from one run to the other whatever the path: keys, generated ids, clocks.
# The organisation is compared by its name and SIRET (its id differs from one run to the other).
VOLATILE = {
    "id",
    "uid",
    "created_at",
    "updated_at",
    "published_at",
    "qpv_placed_at",
    "organisation_id",
}
SEARCHED = ["atelier", "tilleuls", "canal", "butte", "reparer", "lyon", "saint-denis"]


def stored() -> dict[str, dict]:
    """What the database holds for each initiative, by slug: the row, its themes, links, QPV
    links, versions (with their themes), the searches that find it and its map data."""
    mapped = mapdata.decode(mapdata.build().raw)["columns"]
    on_map = {
        pk: {name: values[i] for name, values in mapped.items() if name != "id"}
        for i, pk in enumerate(mapped["id"])
    }
    found_by: dict[int, list[str]] = {}
    for word in SEARCHED:
        for pk in search_initiative_ids(query=word, limit=None, published_only=False):
            found_by.setdefault(pk, []).append(word)
    state = {}
    for initiative in Initiative.objects.order_by("pk"):
        row = Initiative.objects.values().get(pk=initiative.pk)
        versions = []
        for record in initiative.history.order_by("history_id"):
            version = {
                k: v
                for k, v in vars(record).items()
                if not k.startswith("_") and k not in VOLATILE | {"history_id", "history_date"}
            }
            version["themes"] = sorted(record.themes.values_list("theme_id", flat=True))
            versions.append(version)
        state[initiative.slug] = {
            **{k: v for k, v in row.items() if k not in VOLATILE},
            "published": row["published_at"] is not None,
            "placed": row["qpv_placed_at"] is not None,
            "themes": sorted(initiative.themes.values_list("slug", flat=True)),
            "organisation": (initiative.organisation.name, initiative.organisation.siret),
            "links": list(initiative.links.values_list("url", "label", "position")),
            "qpv_links": sorted(
                InitiativeQpv.objects.filter(initiative=initiative).values_list(
                    "qpv_code", "relation", "distance_m"
                )
            ),
            "versions": versions,
            "found_by": found_by.get(initiative.pk, []),
            "map": on_map.get(initiative.pk),
        }
    return state


class _Undo(Exception):
    pass


def test_a_batch_import_stores_what_create_initiative_stores(reference_data, tmp_path):
    import_sample_qpvs(tmp_path)
    new_initiative(title="Atelier partagé", commune_code="93048")  # its slug is taken
    made = lot(40)
    try:
        with transaction.atomic():
            report = run(csv_of(made))
            assert report.committed, [p.text() for p in report.errors]
            assert report.counts[CREATE] == 40
            imported = stored()
            raise _Undo
    except _Undo:
        pass
    assert Initiative.objects.count() == 1
    for _row, kwargs in made:
        create_initiative(**kwargs)
    one_by_one = stored()
    assert sorted(imported) == sorted(one_by_one)
    for slug, state in one_by_one.items():
        assert imported[slug] == state, slug
    # The comparison covers what matters: numbered slugs, placements, contacts, markdown,
    # search and map data.
    assert all(state["found_by"] for state in one_by_one.values())
    assert sum(state["map"] is not None for state in one_by_one.values()) == 27  # published
    assert {"atelier-partage", "atelier-partage-2", "atelier-partage-6"} <= set(one_by_one)
    relations = {state["qpv_relation"] for state in one_by_one.values()}
    assert {QpvPlacement.IN, QpvPlacement.NEAR, QpvPlacement.OUTSIDE} <= relations
    assert any(state["contact_consent"] for state in one_by_one.values())
    assert any(
        state["context"].startswith("Un **atelier** ouvert") for state in one_by_one.values()
    )


def test_imported_rows_are_found_placed_versioned_and_on_the_map(reference_data, tmp_path):
    import_sample_qpvs(tmp_path)
    version_before = mapdata.current_version()
    report = run(csv_of(lot(24)))
    assert report.committed, [p.text() for p in report.errors]
    # The map's data changed at once (not after MAPDATA_VERSION_SECONDS).
    assert mapdata.current_version() != version_before
    imported = Initiative.objects.all()
    published = {i.pk for i in imported if i.status == InitiativeStatus.PUBLISHED}
    assert set(mapdata.decode(mapdata.build().raw)["columns"]["id"]) == published
    tilleuls = {i.pk for i in imported if "Tilleuls" in i.porteur_name}
    assert set(search_initiative_ids(query="tilleuls", published_only=False)) == tilleuls
    inside = Initiative.objects.get(title="Atelier partagé n° 17")
    assert inside.qpv_relation == QpvPlacement.IN
    assert ("QN09301M", "dans", 0) in inside.qpv_links.values_list(
        "qpv_code", "relation", "distance_m"
    )
    assert Initiative.objects.get(title="Atelier partagé n° 9").qpv_relation == QpvPlacement.NEAR
    assert Initiative.objects.get(title="Atelier partagé n° 8").qpv_relation == QpvPlacement.OUTSIDE
    for initiative in imported:  # one version each, with the themes it was created with
        (version,) = initiative.history.all()
        assert version.history_type == "+"
        assert version.history_change_reason == f"Import du fichier « {FILENAME} »"
        assert set(version.themes.values_list("theme_id", flat=True)) == set(
            initiative.themes.values_list("pk", flat=True)
        )

    # A re-import that moves a point and rewrites a summary updates both derived data.
    made = lot(24)
    row = made[16][0]  # n° 17, in QN09301M
    row[1] = "Une ludothèque de quartier."
    moved = at(-8_000, 300)
    row[6], row[7] = str(moved["latitude"]), str(moved["longitude"])
    again = run(csv_of(made))
    assert again.committed and again.counts[UPDATE] == 1
    inside.refresh_from_db()
    assert inside.qpv_relation == QpvPlacement.OUTSIDE
    assert search_initiative_ids(query="ludothèque", published_only=False) == [inside.pk]
    assert inside.history.count() == 2


def queries_to_import(made: list) -> int:
    data = csv_of(made)
    with CaptureQueriesContext(connection) as queries:
        report = run(data)
    assert report.committed and report.counts[CREATE] == len(made)
    return len(queries)


def test_the_queries_grow_by_a_fraction_of_one_per_row(reference_data, tmp_path):
    import_sample_qpvs(tmp_path)
    few = queries_to_import(lot(20, first=100))
    many = queries_to_import(lot(220, first=1000))
    # Row by row it took about 40 queries per row. In batches, an INSERT carries many rows:
    # on SQLite at most 999 values, about 22 initiatives or 24 versions, which makes about
    # 0.1 query per row; fewer on PostgreSQL. Everything else is per file or per 500 rows.
    per_row = (many - few) / 200
    assert per_row <= 0.25, (few, many)
    assert few <= 80, few


def test_a_reference_deleted_during_the_check_stops_the_import(reference_data):
    def delete_theme(stage: str, done: int, total: int) -> None:
        if stage == "check" and done == total:  # every row checked, nothing written yet
            Theme.objects.filter(slug="mobilite").delete()

    made = lot(10)
    report = run(csv_of(made), progress=delete_theme)
    assert not report.committed
    assert Initiative.objects.count() == 0
    # The first row in error stops the writing: it is reported, and nothing is written.
    (bad,) = [row for row in report.rows if row.action == INVALID]
    assert bad.title == "Atelier partagé n° 3"  # themes "mobilite ; ess"
    problem = bad.errors[0]
    assert (problem.line, problem.column, problem.field) == (
        4,
        "E (« thematiques »)",
        "thématiques",
    )
    assert "Thématique inconnue : mobilite" in problem.message
    assert "Rien n'a été importé" in report.summary()


def test_with_skip_invalid_the_other_rows_are_written(reference_data):
    def delete_theme(stage: str, done: int, total: int) -> None:
        if stage == "check" and done == total:
            Theme.objects.filter(slug="mobilite").delete()

    report = run(csv_of(lot(10)), progress=delete_theme, skip_invalid=True)
    assert report.committed
    invalid = [row.title for row in report.rows if row.action == INVALID]
    assert invalid == ["Atelier partagé n° 3", "Atelier partagé n° 8"]  # "mobilite ; ess"
    assert report.counts[CREATE] == 8
    assert set(Initiative.objects.values_list("title", flat=True)) == {
        row.title for row in report.rows if row.action == CREATE
    }


@pytest.mark.parametrize(
    "titles", [["Jardin", "Jardin", "Jardin 2"], ["Jardin 2", "Jardin"], ["Potager", "Jardin"]]
)
def test_slugs_chosen_together_are_those_chosen_one_after_the_other(reference_data, titles):
    new_initiative(title="Jardin", commune_code="93048")
    chosen = unique_slugs(titles=titles)
    assert chosen == [new_initiative(title=title).slug for title in titles]
