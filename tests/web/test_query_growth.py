"""The public list, detail, feed and API views read a fixed number of queries, whatever
the number of published initiatives (counts kept per data version, no per-row query)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.initiatives.helpers import new_initiative

pytestmark = pytest.mark.django_db

PATHS = (
    "/",
    "/?thematique=commerce-proximite&departement=93",
    "/thematiques/",
    "/thematiques/commerce-proximite/",
    "/centres/",
    "/centres/profession-banlieue/",
    "/flux/initiatives.atom",
    "/flux/thematiques/commerce-proximite.atom",
    "/flux/departements/93.atom",
    "/api/v1/initiatives",
    "/territoires/manques/",
    "/territoires/manques.csv",
)


@pytest.fixture(autouse=True)
def map_data_version_kept(settings):
    """The map data's own version is re-read on a timer: not what is counted here."""
    settings.MAPDATA_VERSION_SECONDS = 3600


def query_counts(client, paths) -> dict[str, int]:
    counts = {}
    for path in paths:
        client.get(path)  # the map data of this data version built, if the page shows it
        cache.clear()  # every page as its first visitor after a change meets it
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def more_initiatives(n: int) -> list:
    communes = ["93066", "93048", "77288", "69388"]
    themes = [["commerce-proximite", "ess"], ["mobilite"], ["commerce-proximite"]]
    return [
        new_initiative(
            title=f"Initiative de plus {i}",
            commune_code=communes[i % len(communes)],
            theme_slugs=themes[i % len(themes)],
            latitude=48.9 + i / 1000,
            longitude=2.36,
            status="publiee",
        )
        for i in range(n)
    ]


def test_public_pages_read_as_many_queries_at_any_size(client, sample_initiatives):
    before = query_counts(client, PATHS)
    added = more_initiatives(12)
    after = query_counts(client, PATHS)
    assert after == before
    detail = [
        f"/initiatives/{sample_initiatives['epicerie'].slug}/",
        f"/initiatives/{added[0].slug}/",
    ]
    small, large = query_counts(client, detail).values()
    assert small == large


def test_a_second_visit_reads_the_kept_counts(client, sample_initiatives):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
