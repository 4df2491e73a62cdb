"""The generic engine: documents of any kind, their visibility in the index, several kinds
at once, the sources registered for rebuilds. Same tests on SQLite and PostgreSQL."""

import pytest
from django.core.management import CommandError, call_command

from pepites.search import registry
from pepites.search.documents import SearchDocument, SearchGroup, document_key, key_id
from pepites.search.selectors import search_ids, search_kinds
from pepites.search.services import index_documents, rebuild_index, reindex, remove_documents


def doc(kind: str, pk: int, title: str, *, public: bool = True, **text) -> SearchDocument:
    return SearchDocument(kind=kind, id=pk, public=public, title=title, **text)


@pytest.fixture
def sources(monkeypatch):
    """A registry of our own: the test's sources, none of the apps'."""
    monkeypatch.setattr(registry, "_sources", {})
    return registry


def test_keys_pack_kind_id_and_visibility():
    key = document_key("resource", 123, True)
    assert key_id(key) == 123 and key & 1 == 1
    assert document_key("resource", 123, False) == key - 1
    assert key_id(document_key("event", 2**40 - 1, False)) == 2**40 - 1
    with pytest.raises(ValueError):
        document_key("event", 0, True)


@pytest.mark.django_db
def test_each_kind_is_searched_apart():
    assert (
        index_documents(
            documents=[
                doc("resource", 1, "Guide de l'épicerie solidaire"),
                doc("event", 1, "Rencontre des épiceries"),
                doc("event", 2, "Atelier vélo"),
            ]
        )
        == 3
    )
    assert search_ids(query="epicerie", kind="resource") == [1]
    assert search_ids(query="épiceries", kind="event") == [1]
    assert search_ids(query="epicerie", kind="nothing") == []


@pytest.mark.django_db
def test_visibility_is_in_the_index_and_follows_reindexing():
    index_documents(documents=[doc("resource", 7, "Fiche laverie", public=False)])
    assert search_ids(query="laverie", kind="resource") == []
    assert search_ids(query="laverie", kind="resource", public_only=False) == [7]
    index_documents(documents=[doc("resource", 7, "Fiche laverie", public=True)])
    assert search_ids(query="laverie", kind="resource") == [7]
    index_documents(documents=[doc("resource", 7, "Fiche conciergerie", public=True)])
    assert search_ids(query="laverie", kind="resource", public_only=False) == []
    assert search_ids(query="conciergerie", kind="resource") == [7]
    assert remove_documents(kind="resource", ids=[7, 8]) == 1
    assert search_ids(query="conciergerie", kind="resource", public_only=False) == []
    assert remove_documents(kind="resource", ids=[]) == 0


@pytest.mark.django_db
def test_fields_weigh_title_then_names_and_summary_then_body():
    index_documents(
        documents=[
            doc("resource", 1, "Autre", body="Un mot : recyclerie."),
            doc("resource", 2, "Autre", summary="La recyclerie du coin."),
            doc("resource", 3, "La recyclerie"),
            doc("resource", 4, "Autre", names="Recyclerie de l'Est"),
        ]
    )
    ranked = search_ids(query="recyclerie", kind="resource")
    assert ranked[0] == 3 and ranked[-1] == 1 and set(ranked[1:3]) == {2, 4}
    assert search_ids(query="recyclerie", kind="resource", limit=2)[0] == 3


@pytest.mark.django_db
def test_search_kinds_gives_the_best_ids_and_the_count_of_each_kind():
    index_documents(
        documents=[doc("resource", pk, f"Jardin partagé {pk}") for pk in range(1, 6)]
        + [doc("event", 1, "Visite du jardin"), doc("event", 2, "Jardin privé", public=False)]
    )
    groups = search_kinds(query="jardins", kinds=["resource", "event", "other"], limit=3)
    assert groups["resource"].total == 5 and len(groups["resource"].ids) == 3
    assert groups["event"] == SearchGroup(ids=[1], total=1)
    assert groups["other"] == SearchGroup(ids=[], total=0)
    everything = search_kinds(query="jardin", kinds=["event"], public_only=False)
    assert everything["event"].total == 2
    assert search_kinds(query="", kinds=["event"]) == {"event": SearchGroup()}
    # Typos are corrected towards the titles and names of every kind.
    assert search_kinds(query="jardni", kinds=["event"])["event"].ids == [1]


@pytest.mark.django_db
def test_a_name_of_several_words_is_found_whole_not_by_each_word():
    from pepites.search.text import compound

    index_documents(
        documents=[
            doc("event", 1, "Forum", names=f"Montreuil {compound('Seine-Saint-Denis')}"),
            doc("event", 2, "Forum", names="Saint-Denis"),
        ]
    )
    assert search_ids(query="Seine-Saint-Denis", kind="event") == [1]
    assert search_ids(query="seine saint denis", kind="event") == [1]
    assert search_ids(query="Saint-Denis", kind="event") == [2]


@pytest.mark.django_db
def test_registered_sources_rebuild_the_index(sources, capsys):
    books = {1: "Manuel de la ressourcerie", 2: "Carnet de la ressourcerie"}

    def load(ids):
        return [doc("book", pk, title) for pk, title in books.items() if ids is None or pk in ids]

    sources.register_source(kind="book", load=load)
    assert sources.registered_kinds() == ["book"]
    assert rebuild_index() == {"book": 2}
    assert sorted(search_ids(query="ressourcerie", kind="book")) == [1, 2]
    del books[2]
    assert reindex(kind="book", ids=[1, 2]) == 1  # gone from its owner: out of the index
    assert search_ids(query="ressourcerie", kind="book") == [1]
    books[3] = "Guide de la ressourcerie"
    call_command("rebuild_search_index", "--kind", "book")
    assert "book : 2 documents indexés." in capsys.readouterr().out
    assert sorted(search_ids(query="ressourcerie", kind="book")) == [1, 3]
    with pytest.raises(CommandError, match="Sorte inconnue"):
        call_command("rebuild_search_index", "--kind", "nothing")


def test_two_kinds_with_one_code_are_refused(sources, monkeypatch):
    from pepites.search import documents

    sources.register_source(kind="book", load=lambda ids: [])
    monkeypatch.setattr(registry, "kind_code", lambda kind: 1)
    with pytest.raises(ValueError, match="share a code"):
        sources.register_source(kind="film", load=lambda ids: [])
    assert documents.kind_code("book") != documents.kind_code("film")
