"""Issue 12, point 10: the number of queries of every public page, API and feed, kept in a
snapshot (query_counts.json) and independent of the number of initiatives.

Each page is asked first to fill the caches and build the map's file, then counted with 3 published initiatives and again with 15: the counts must be equal (no
query per item) and not above the snapshot. After an intended change, write the snapshot
anew with `UPDATE_QUERY_COUNTS=1 pytest tests/web/test_query_counts.py`."""

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pepites.initiatives.placement.services import install_demo_qpvs
from pepites.territories.models import Qpv
from tests.initiatives.helpers import new_initiative

SNAPSHOT = Path(__file__).with_name("query_counts.json")

PAGES = [
    "/",
    "/?thematique=emploi-insertion&territoire=93",
    "/?q=boutique",
    "/carte/recherche?q=boutique",
    "/carte/fiches?ids={ids}",
    "/initiatives/{slug}/",
    "/thematiques/",
    "/thematiques/commerce-proximite/",
    "/centres/",
    "/centres/profession-banlieue/",
    "/quartiers/",
    "/quartiers/{qpv}/",
    "/territoires/manques/",
    "/territoires/manques.csv",
    "/publications/",
    "/agenda/",
    "/agenda/passes/",
    "/agenda/flux/agenda.ics",
    "/donnees/",
    "/donnees/schema.json",
    "/flux/initiatives.atom",
    "/flux/thematiques/commerce-proximite.atom",
    "/flux/centres/profession-banlieue.atom",
    "/flux/departements/93.atom",
    "/flux/regions/11.atom",
    "/sitemap.xml",
    "/embed/?thematique=commerce-proximite",
    "/api/v1/initiatives",
    "/api/v1/initiatives.geojson",
    "/api/v1/initiatives/{slug}",
    "/api/v1/themes",
    "/api/v1/centres",
    "/api/v1/centres/profession-banlieue",
    "/api/v1/qpv",
    "/api/v1/qpv/{qpv}",
]


def _publish(count: int, start: int) -> list:
    return [
        new_initiative(
            title=f"Boutique à l'essai numéro {start + n}",
            status="publiee",
            centre_slug="profession-banlieue",
            theme_slugs=["commerce-proximite", "emploi-insertion"],
            latitude=48.936 + n / 10000,
            longitude=2.357,
        )
        for n in range(count)
    ]


def _counts(client, first) -> dict[str, int]:
    qpv = Qpv.objects.order_by("code").values_list("code", flat=True).first()
    counts = {}
    for page in PAGES:
        url = page.format(slug=first.slug, ids=first.pk, qpv=qpv)
        warm = client.get(url)
        assert warm.status_code == 200, (url, warm.status_code)
        # The fewest of two requests: a build that a write started in the background (the
        # map's file) may still be finishing during the first.
        measured = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            measured.append(len(queries))
        counts[page] = min(measured)
    return counts


@pytest.mark.django_db
def test_public_pages_query_counts_do_not_grow_with_the_data(client, reference_data):
    install_demo_qpvs()
    first, *_ = _publish(3, 0)
    small = _counts(client, first)
    _publish(12, 3)
    large = _counts(client, first)
    grows = {page: (small[page], large[page]) for page in PAGES if large[page] > small[page]}
    assert grows == {}, "query counts growing with the number of initiatives"

    if os.environ.get("UPDATE_QUERY_COUNTS"):
        SNAPSHOT.write_text(json.dumps(large, indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    above = {
        page: (large[page], expected.get(page))
        for page in PAGES
        if expected.get(page) is None or large[page] > expected[page]
    }
    assert above == {}, "more queries than the snapshot (or a page missing from it)"
