"""Demonstration content (data/demo_initiatives.json), the synthetic generator and their
management commands."""

import json
import math
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pepites.initiatives.demo import (
    generate_initiatives,
    load_demo,
    read_demo_entries,
    read_departement_centres,
)
from pepites.initiatives.models import Initiative, InitiativeStatus, PorteurKind
from pepites.initiatives.services import THEMES_FILE
from pepites.network.centres_csv import read_centres
from pepites.network.models import Centre
from pepites.network.selectors import centre_for_commune
from tests.conftest import full_cog

DEMO = read_demo_entries()
THEME_SLUGS = {item["slug"] for item in json.loads(THEMES_FILE.read_text(encoding="utf-8"))}
DEPARTEMENT_CENTRES = read_departement_centres()

# (south, north, west, east) in degrees.
FRANCE_BOXES = {
    "France métropolitaine et Corse": (41.3, 51.15, -5.2, 9.6),
    "Guadeloupe": (15.8, 16.55, -61.85, -61.0),
    "Martinique": (14.35, 14.9, -61.25, -60.8),
    "Guyane": (2.1, 5.8, -54.6, -51.6),
    "La Réunion": (-21.4, -20.85, 55.2, 55.85),
    "Mayotte": (-13.05, -12.6, 44.95, 45.35),
}
DEMO_FIELDS = {
    "title",
    "summary",
    "context",
    "actions",
    "results",
    "replication",
    "porteur_name",
    "porteur_kind",
    "partners",
    "funders",
    "target_public",
    "theme_slugs",
    "principal_theme_slug",
    "start_year",
    "is_running",
    "commune_code",
    "address",
    "latitude",
    "longitude",
    "links",
    "status",
}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def box_of(latitude: float, longitude: float) -> str | None:
    for name, (south, north, west, east) in FRANCE_BOXES.items():
        if south <= latitude <= north and west <= longitude <= east:
            return name
    return None


# --- The demonstration file ---------------------------------------------------------------


def test_demo_file_is_well_formed():
    assert 36 <= len(DEMO) <= 40
    assert len({entry["title"] for entry in DEMO}) == len(DEMO)
    for entry in DEMO:
        assert set(entry) == DEMO_FIELDS, entry["title"]
        assert len(entry["summary"]) <= 400, entry["title"]
        assert 1 <= len(entry["theme_slugs"]) <= 3, entry["title"]
        assert entry["principal_theme_slug"] in entry["theme_slugs"], entry["title"]
        assert set(entry["theme_slugs"]) <= THEME_SLUGS, entry["title"]
        assert entry["porteur_kind"] in PorteurKind.values, entry["title"]
        for url, label in entry["links"]:
            assert url.startswith("https://example.org/"), url
            assert label
    assert Counter(entry["status"] for entry in DEMO) == {
        InitiativeStatus.PUBLISHED: len(DEMO) - 3,
        InitiativeStatus.PROPOSED: 2,
        InitiativeStatus.DRAFT: 1,
    }
    principal = Counter(entry["principal_theme_slug"] for entry in DEMO)
    assert set(principal) == THEME_SLUGS
    assert min(principal.values()) >= 3

    epicerie = next(e for e in DEMO if e["title"].startswith("Épicerie solidaire"))
    assert epicerie["title"] == "Épicerie solidaire du quartier des Francs-Moisins"
    assert epicerie["commune_code"] == "93066"
    assert epicerie["principal_theme_slug"] == "commerce-proximite"
    assert epicerie["porteur_kind"] == PorteurKind.ASSOCIATION


def test_demo_coordinates_in_france_and_communes_in_the_cog():
    communes = {c.code: c for c in full_cog().communes}
    for entry in DEMO:
        commune = communes.get(entry["commune_code"])
        assert commune is not None, entry["commune_code"]
        point = (entry["latitude"], entry["longitude"])
        assert box_of(*point), (entry["title"], point)
        # Near its own département's prefecture: the coordinates match the commune code.
        assert distance_km(point, DEPARTEMENT_CENTRES[commune.departement]) < 100, entry["title"]


def test_departement_centres_cover_the_101_departements():
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    expected |= {"971", "972", "973", "974", "976"}
    assert set(DEPARTEMENT_CENTRES) == expected
    assert len(expected) == 101
    for code, point in DEPARTEMENT_CENTRES.items():
        assert box_of(*point), code


# --- Loading the demonstration ------------------------------------------------------------


@pytest.mark.slow
def test_demo_command_loads_every_entry_once(full_reference_data):
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert f"{len(DEMO)} créée(s)" in out.getvalue()

    initiatives = Initiative.objects.all()
    assert initiatives.count() == len(DEMO)
    assert not initiatives.filter(is_demo=False).exists()
    assert set(initiatives.values_list("title", flat=True)) == {e["title"] for e in DEMO}
    assert set(initiatives.values_list("principal_theme__slug", flat=True)) == THEME_SLUGS
    assert initiatives.filter(status=InitiativeStatus.PUBLISHED).count() == len(DEMO) - 3

    # The centre is resolved from the commune: every active centre has its example.
    active = {row.slug for row in read_centres() if row.status == Centre.Status.ACTIVE}
    assert len(active) == 19
    referred = set(initiatives.exclude(centre=None).values_list("centre__slug", flat=True))
    assert active <= referred
    uncovered = initiatives.filter(centre=None)
    assert 2 <= uncovered.count() <= 3
    assert initiatives.filter(commune__departement="971").exists()

    epicerie = Initiative.objects.get(title="Épicerie solidaire du quartier des Francs-Moisins")
    assert epicerie.centre.slug == "profession-banlieue"
    assert epicerie.published_at is not None
    assert epicerie.links.count() == 1
    assert not epicerie.contact_name and not epicerie.contact_email

    # Idempotent: a second load creates nothing, --if-empty does nothing.
    assert load_demo() == 0
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "contient déjà des initiatives" in out.getvalue()
    out = StringIO()
    call_command("demo", stdout=out)
    assert "aucune créée" in out.getvalue()
    assert Initiative.objects.count() == len(DEMO)


def test_demo_if_empty_does_nothing_when_initiatives_exist(reference_data):
    generate_initiatives(count=1)
    assert load_demo(only_if_empty=True) == 0
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "aucun exemple de démonstration ajouté" in out.getvalue()
    assert Initiative.objects.count() == 1


def test_demo_requires_reference_data(db):
    with pytest.raises(ValueError, match="pepites load_reference_data"):
        load_demo()
    with pytest.raises(CommandError, match="Chargez d'abord les données de référence"):
        call_command("demo", stdout=StringIO())


# --- Synthetic initiatives ----------------------------------------------------------------


def test_generate_creates_exactly_n_with_few_queries(reference_data, django_assert_max_num_queries):
    # Bulk inserts only: SQLite takes at most 999 parameters per statement, so Django puts
    # about 30 initiatives in each INSERT (PostgreSQL all of them), and up to 3 themes each
    # go in the link table the same way. Plus a fixed number of reads, savepoints and the
    # QPV placement pass; one query per initiative would be over 500.
    fields = [f for f in Initiative._meta.concrete_fields if not f.primary_key]
    link_fields = [f for f in Initiative.themes.through._meta.concrete_fields if not f.primary_key]
    inserts = math.ceil(500 / connection.ops.bulk_batch_size(fields, [None] * 500))
    inserts += math.ceil(1500 / connection.ops.bulk_batch_size(link_fields, [None] * 1500))
    # The fixed part: reads, savepoints, QPV placement and search indexing passes.
    with django_assert_max_num_queries(30 + inserts):
        assert generate_initiatives(count=500, seed=1) == 500

    initiatives = Initiative.objects.all()
    assert initiatives.count() == 500
    assert not initiatives.filter(is_demo=False).exists()
    published = initiatives.filter(status=InitiativeStatus.PUBLISHED).count()
    assert 440 <= published < 500
    assert not initiatives.filter(status=InitiativeStatus.PUBLISHED, published_at=None).exists()
    assert set(initiatives.values_list("status", flat=True)) == {
        InitiativeStatus.PUBLISHED,
        InitiativeStatus.DRAFT,
    }
    assert set(initiatives.values_list("version", flat=True)) == {1}
    # Paris and Lyon are drawn through their arrondissements (in the sample), not as a whole.
    assert not initiatives.filter(commune__code__in=["75056", "69123"]).exists()

    for initiative in initiatives.select_related("commune", "centre")[:50]:
        assert initiative.title.startswith(f"Initiative synthétique n° {initiative.slug[14:]} — ")
        assert 100 <= len(initiative.summary) <= 400
        theme_ids = set(initiative.themes.values_list("pk", flat=True))
        assert 1 <= len(theme_ids) <= 3
        assert initiative.principal_theme_id in theme_ids
        centre = DEPARTEMENT_CENTRES[initiative.commune.departement_id]
        assert abs(initiative.latitude - centre[0]) <= 0.15 + 1e-9
        assert abs(initiative.longitude - centre[1]) <= 0.15 + 1e-9
        expected = centre_for_commune(commune_code=initiative.commune_id)
        assert initiative.centre == expected


def snapshot() -> list[tuple]:
    return [
        (
            i.slug,
            i.uid,
            i.title,
            i.summary,
            i.commune_id,
            i.latitude,
            i.longitude,
            i.status,
            i.published_at,
            i.principal_theme_id,
            tuple(sorted(t.pk for t in i.themes.all())),
        )
        for i in Initiative.objects.order_by("slug").prefetch_related("themes")
    ]


def test_generate_is_deterministic_for_a_seed(reference_data):
    generate_initiatives(count=40, seed=7, batch_size=15)
    first = snapshot()
    Initiative.objects.all().delete()
    generate_initiatives(count=40, seed=7)
    assert snapshot() == first
    Initiative.objects.all().delete()
    generate_initiatives(count=40, seed=8)
    assert [row[2:] for row in snapshot()] != [row[2:] for row in first]


def test_generate_twice_continues_numbering(reference_data):
    assert generate_initiatives(count=20) == 20
    assert generate_initiatives(count=20) == 20
    slugs = set(Initiative.objects.values_list("slug", flat=True))
    assert slugs == {f"synthetique-0-{n}" for n in range(1, 41)}
    titles = list(Initiative.objects.values_list("title", flat=True))
    assert len(set(titles)) == 40


def test_generate_requires_reference_data(db):
    with pytest.raises(ValueError, match="Chargez d'abord les données de référence"):
        generate_initiatives(count=10)


def test_generate_command(reference_data):
    out = StringIO()
    call_command("generate_initiatives", "--count", "25", "--seed", "3", stdout=out)
    assert "25 initiatives synthétiques créées en" in out.getvalue()
    assert " s " in out.getvalue()
    assert Initiative.objects.filter(slug__startswith="synthetique-3-").count() == 25


@pytest.mark.parametrize("count", ["0", "-5"])
def test_generate_command_rejects_a_non_positive_count(db, count):
    with pytest.raises(CommandError, match="--count doit être un entier strictement positif"):
        call_command("generate_initiatives", "--count", count, stdout=StringIO())
    assert not Initiative.objects.exists()
