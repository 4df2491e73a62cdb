import pytest

from pepites.resources.demo import NOTICE, load_demo_resources
from pepites.resources.models import Resource, TextStatus
from pepites.resources.selectors import pages_matching
from tests.initiatives.helpers import new_initiative

pytestmark = pytest.mark.django_db


def test_demo_resources_are_marked_and_searchable(reference_data):
    linked = new_initiative(
        title="Démonstration : une épicerie",
        theme_slugs=["commerce-proximite"],
        status="publiee",
        is_demo=True,
    )
    assert load_demo_resources() == 4
    assert load_demo_resources() == 0  # idempotent
    resources = Resource.objects.all()
    assert all(r.is_demo and NOTICE in r.summary for r in resources)
    study = resources.get(kind="etude")
    assert study.text_status == TextStatus.EXTRACTED and study.page_count == 40
    assert NOTICE in study.pages.get(number=1).text
    assert pages_matching(resource_ids=[study.pk], query="fromagerie") == {study.pk: [37]}
    assert list(study.initiatives.all()) == [linked]
    assert resources.get(kind="compte-rendu").text_status == TextStatus.NOT_EXTRACTED
