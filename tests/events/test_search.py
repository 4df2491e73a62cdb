"""Events in the search engine (kind "event"), on both databases: found by their words,
their place and their centre; a draft only once published."""

import pytest

from pepites.events.search_documents import KIND, index_events
from pepites.events.selectors import events_by_ids
from pepites.events.services import set_event_status
from pepites.search.selectors import search_ids
from tests.events.helpers import new_event

pytestmark = pytest.mark.django_db


def test_events_are_found_by_their_words_place_and_centre(reference_data, people):
    visit = new_event(
        title="Visite apprenante d'une couveuse d'entreprises",
        kind="visite",
        summary="Découvrir comment accompagner les créateurs.",
        commune_code="97411",
        centre_ids=[people.pb.pk],
    )
    draft = new_event(title="Couveuse en brouillon", status="brouillon")
    assert search_ids(query="couveuses", kind=KIND) == [visit.pk]  # plural, stemmed
    assert search_ids(query="createurs", kind=KIND) == [visit.pk]  # accents
    assert search_ids(query="profession banlieue", kind=KIND) == [visit.pk]
    assert set(search_ids(query="couveuse", kind=KIND, public_only=False)) == {visit.pk, draft.pk}
    set_event_status(event=draft, status="publie", expected_version=draft.version)
    assert set(search_ids(query="couveuse", kind=KIND)) == {visit.pk, draft.pk}
    assert [e.pk for e in events_by_ids(ids=[draft.pk, visit.pk])] == [draft.pk, visit.pk]


def test_the_index_is_rebuilt_from_the_source(reference_data):
    event = new_event(title="Webinaire sur la mobilité solidaire", kind="webinaire")
    assert index_events() == 1
    assert search_ids(query="mobilite solidaire", kind=KIND) == [event.pk]
