"""Search answers kept per version of the public data (pepites.search.cache): a repeated
query reads the cache, a change of the data or a write to the index through the services
is seen at once. Same tests on SQLite and PostgreSQL."""

import pytest
from django.core.cache import cache

from pepites.core import dataversion
from pepites.search.backends import backend
from pepites.search.documents import SearchDocument
from pepites.search.selectors import search_ids, search_kinds
from pepites.search.services import index_documents, rebuild_index


def doc(pk: int, title: str) -> SearchDocument:
    return SearchDocument(kind="resource", id=pk, public=True, title=title)


@pytest.fixture
def versioned(db):
    cache.clear()
    dataversion.bump()
    yield
    cache.clear()


def test_answers_are_kept_until_the_data_version_moves(versioned):
    index_documents(documents=[doc(1, "Guide de la laverie solidaire")])
    assert search_ids(query="laverie", kind="resource") == [1]
    group = search_kinds(query="laverie", kinds=["resource"])["resource"]
    assert (group.ids, group.total) == ([1], 1)
    # Written past the services (no change seen): the kept answers are served.
    backend().index(documents=[doc(2, "Laverie du quartier")])
    assert search_ids(query="laverie", kind="resource") == [1]
    assert search_kinds(query="Laverie", kinds=["resource"])["resource"].total == 1
    dataversion.bump()
    assert sorted(search_ids(query="laverie", kind="resource")) == [1, 2]
    assert search_kinds(query="laverie", kinds=["resource"])["resource"].total == 2


def test_a_write_through_the_services_is_seen_at_once(versioned):
    index_documents(documents=[doc(1, "Atelier vélo")])
    assert search_ids(query="velo", kind="resource") == [1]
    index_documents(documents=[doc(2, "Vélo-école")])
    assert sorted(search_ids(query="velo", kind="resource")) == [1, 2]
    index_documents(documents=[doc(2, "Auto-école")])
    assert search_ids(query="velo", kind="resource") == [1]


def test_drafts_are_never_kept(versioned):
    index_documents(documents=[doc(1, "Recyclerie")])
    assert search_ids(query="recyclerie", kind="resource", public_only=False) == [1]
    backend().index(documents=[doc(2, "Recyclerie bis")])
    assert sorted(search_ids(query="recyclerie", kind="resource", public_only=False)) == [1, 2]


def test_a_rebuild_moves_the_data_version(versioned, monkeypatch):
    from pepites.search import registry

    monkeypatch.setattr(registry, "_sources", {})
    registry.register_source(kind="resource", load=lambda ids: [doc(3, "Conciergerie")])
    before = dataversion.current()
    rebuild_index(kind="resource")
    assert dataversion.current() != before
    assert search_ids(query="conciergerie", kind="resource") == [3]
