"""Initiatives searched by words, the same tests on SQLite (FTS5) and PostgreSQL (text
search): their documents (pepites.initiatives.search_documents) in the generic engine."""

import pytest
from django.db import connection

from pepites.initiatives.deletion import delete_initiatives
from pepites.initiatives.demo import generate_initiatives
from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.initiatives.search_documents import index_initiatives
from pepites.initiatives.search_documents import unindex_initiatives as remove_from_index
from pepites.initiatives.selectors import search_initiative_ids, search_initiatives
from pepites.initiatives.services import update_initiative
from pepites.search import backends
from tests.initiatives.helpers import new_initiative

PLAIN = {
    "summary": "Un projet du réseau.",
    "porteur_name": "Association Bonjour",
    "context": "",
    "actions": "",
    "partners": "",
}


def published(title: str, **fields) -> Initiative:
    return new_initiative(
        **{**PLAIN, "title": title, "status": InitiativeStatus.PUBLISHED, **fields}
    )


def found(query: str, **kwargs) -> list[int]:
    return search_initiative_ids(query=query, **kwargs)


def test_backend_follows_the_database():
    assert backends.backend().__name__.endswith(connection.vendor)


def test_accents_and_case_do_not_matter(reference_data):
    accented = published("Épicerie solidaire des Tilleuls")
    plain = published("Une epicerie au marche couvert")
    other = published("Garage associatif")
    for query in ("epicerie", "Épicerie", "ÉPICERIE", "épIcerie", "EPICERIE"):
        assert set(found(query)) == {accented.pk, plain.pk}, query
    assert found("marché couvert") == [plain.pk]
    assert other.pk not in found("épicerie")


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Des commerces de proximité", "commerce"),
        ("Un commerce de proximité", "commerces"),
        ("Les épiceries du quartier", "épicerie"),
        ("Une épicerie du quartier", "epiceries"),
        ("Un forum pour l'emploi", "emplois"),
        ("Un forum des emplois", "emploi"),
        ("Des jardins partagés", "jardin partagé"),
        ("Former des commerçantes", "commerçante"),
        ("Des bureaux partagés", "bureau"),
    ],
)
def test_plurals_and_word_forms_match(reference_data, text, query):
    initiative = published(text)
    published("Garage associatif")
    assert found(query) == [initiative.pk]


def test_every_word_must_match(reference_data):
    both = published("Épicerie solidaire")
    published("Épicerie fine")
    published("Garage solidaire")
    assert found("épicerie solidaire") == [both.pk]
    assert found("solidaire épicerie inconnu") == []


def test_porteur_partners_commune_and_description_are_searched(reference_data):
    by_porteur = published("Atelier vélo", porteur_name="Coopérative Bâtisseurs d'Avenir")
    by_partner = published(
        "Atelier couture", partners="Mission locale, Pôle emploi, Fondation Orange"
    )
    in_montreuil = published("Atelier cuisine", commune_code="93048")
    by_summary = published("Atelier bois", summary="Une menuiserie pédagogique ouverte à tous.")
    by_context = published("Atelier code", context="Les **jeunes diplômés** manquent de réseau.")
    assert found("batisseurs avenir") == [by_porteur.pk]
    assert found("fondation orange") == [by_partner.pk]
    assert found("Montreuil") == [in_montreuil.pk]
    assert found("menuiserie") == [by_summary.pk]
    assert found("diplômés") == [by_context.pk]
    assert set(found("Saint-Denis")) == {
        i.pk for i in (by_porteur, by_partner, by_summary, by_context)
    }


def test_a_title_match_ranks_above_a_description_only_match(reference_data):
    in_description = published(
        "Accompagner les habitants",
        summary="Conseils aux créateurs.",
        context="Une recyclerie manquait dans le quartier.",
    )
    published("Autre projet", summary="Sans rapport.")
    in_title = published("La recyclerie des Tilleuls")
    in_summary = published("Réparer plutôt que jeter", summary="Une recyclerie et un atelier.")
    assert found("recyclerie") == [in_title.pk, in_summary.pk, in_description.pk]
    assert found("recyclerie", limit=1) == [in_title.pk]
    assert [i.pk for i in search_initiatives(query="recyclerie", limit=2)] == [
        in_title.pk,
        in_summary.pk,
    ]


def test_only_published_initiatives_unless_asked(reference_data):
    public = published("Ressourcerie ouverte")
    draft = new_initiative(**PLAIN, title="Ressourcerie en projet")
    proposed = new_initiative(**PLAIN, title="Ressourcerie proposée", status="proposee")
    assert found("ressourcerie") == [public.pk]
    assert [i.pk for i in search_initiatives(query="ressourcerie")] == [public.pk]
    assert set(found("ressourcerie", published_only=False)) == {
        public.pk,
        draft.pk,
        proposed.pk,
    }
    update_initiative(initiative=public, expected_version=1, status=InitiativeStatus.ARCHIVED)
    assert found("ressourcerie") == []


def test_the_index_follows_updates(reference_data):
    initiative = published("Laverie solidaire", porteur_name="Association Bulles")
    update_initiative(
        initiative=initiative,
        expected_version=initiative.version,
        title="Conciergerie de quartier",
        porteur_name="Coopérative Clés",
    )
    assert found("laverie") == []
    assert found("bulles") == []
    assert found("conciergerie") == [initiative.pk]
    assert found("clés") == [initiative.pk]


def test_rebuild_and_removal(reference_data):
    first = published("Friperie solidaire")
    second = published("Friperie du centre")
    assert index_initiatives() == Initiative.objects.count()
    assert index_initiatives(ids=[]) == 0
    assert set(found("friperie")) == {first.pk, second.pk}
    assert remove_from_index(ids=[first.pk]) == 1
    assert found("friperie") == [second.pk]
    assert index_initiatives(ids=[first.pk, 999_999]) == 1  # unknown ids are skipped
    assert set(found("friperie")) == {first.pk, second.pk}
    delete_initiatives(initiatives=[second])
    assert found("friperie") == [first.pk]  # a deleted initiative never shows
    assert found("friperie", published_only=False) == [first.pk]


def test_synthetic_initiatives_are_indexed(reference_data):
    created = generate_initiatives(count=30, seed=3)
    published_pks = set(
        Initiative.objects.filter(status=InitiativeStatus.PUBLISHED).values_list("pk", flat=True)
    )
    assert created == 30
    assert set(found("synthétique")) == published_pks
    assert set(found("synthetique", published_only=False)) == set(
        Initiative.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("walk_down", [False, True])
def test_past_the_ranking_window_title_matches_come_first_then_the_newest(
    reference_data, monkeypatch, walk_down
):
    monkeypatch.setattr(backends, "EXACT_RANKING", 3)
    if walk_down and connection.vendor == "postgresql":
        # The strategies PostgreSQL chooses for many matches, forced on a few.
        from pepites.search.backends import postgresql

        monkeypatch.setattr(postgresql, "NAME_PROBE", 1)
        monkeypatch.setattr(postgresql, "WALK_DOWN_FROM", 0)
    oldest_title = published("Le quartier en fête")
    porteur = published("Projet", porteur_name="Régie de quartier")
    others = [published(f"Projet {n}", summary="Dans le quartier.") for n in range(6)]
    drafts = [new_initiative(**PLAIN, title=f"Quartier {n}") for n in range(8)]
    newest_first = [o.pk for o in reversed(others)]
    assert found("quartiers") == [porteur.pk, oldest_title.pk, *newest_first]
    assert found("quartier", limit=3) == [porteur.pk, oldest_title.pk, newest_first[0]]
    assert found("quartier", limit=1) == [porteur.pk]
    assert found("quartier", published_only=False, limit=3) == [d.pk for d in drafts[:-4:-1]]
    assert len(found("quartier", published_only=False)) == 16


def test_typos_in_names_are_corrected(reference_data):
    epicerie = published("Épicerie solidaire", porteur_name="Association Kirikou")
    garage = published("Garage associatif", porteur_name="Mécanique Populaire")
    assert found("epiceire") == [epicerie.pk]  # two letters swapped
    assert found("Kirikuo") == [epicerie.pk]
    assert found("epicrie solidaire") == [epicerie.pk]  # a letter missing
    assert found("mecaniqe populaire") == [garage.pk]
    assert found("xyzzyx") == []
    assert found("epi") == []  # too short to correct


HOSTILE_QUERIES = [
    "",
    "   ",
    "\t\n",
    '"',
    '"épicerie',
    "épicerie\"'",
    "*",
    "épic*",
    "AND OR NOT",
    "épicerie AND NOT solidaire",
    "NEAR(épicerie solidaire, 2)",
    "-épicerie",
    "title:épicerie",
    "{title}: épicerie",
    "^épicerie",
    "(épicerie",
    "épicerie)",
    "((()))",
    "épicerie & | ! <-> :*",
    "'; DROP TABLE search_initiative_fts; --",
    "1 OR 1=1",
    "%_%",
    "\\",
    "a" * 10_000,
    "épicerie " * 2_000,
    "é" * 10_000,
    "épi\x00cerie",
    "\x00",
    "🥖🧺 épicerie 🥖",
    "🥖",
    "\u200b\u0301\ufeff",
    "ǅ ß ﬁ ẞ İ",
    "ℱℋ ℌ ᴴ ﬀ ㎏ Ⅻ ½ ²",
    "épicerie ℱٻゎ⛁ηノ⇍∁ℋ⃉♽☉ڬヸ🗆▦⁌⋟",
    "ا ب ت ٣ 中文 日本語 한국어 ΑΒΓ ﻿",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_fail(reference_data, query):
    epicerie = published("Épicerie solidaire")
    ids = found(query)
    assert isinstance(ids, list)
    assert set(ids) <= {epicerie.pk}
    assert isinstance(search_initiatives(query=query), list)
    assert found("épicerie") == [epicerie.pk]  # the index is intact


@pytest.mark.parametrize("query", [None, 42, b"epicerie"])
def test_queries_that_are_not_text_find_nothing(reference_data, query):
    published("Épicerie solidaire")
    assert found(query) == []


def test_hostile_queries_in_words_are_searched_as_words(reference_data):
    epicerie = published("Épicerie solidaire")
    assert found("épicerie AND") == []  # "and" is a word to find, not an operator
    assert found('"épicerie" -solidaire') == [epicerie.pk]
    assert found("épicerie " * 2_000) == [epicerie.pk]
    assert found("🥖 épicerie") == [epicerie.pk]


def test_limits(reference_data):
    items = [published(f"Bricothèque n° {n}") for n in range(3)]
    assert found("bricothèque", limit=0) == []
    assert found("bricothèque", limit=-1) == []
    assert len(found("bricothèque", limit=2)) == 2
    assert set(found("bricothèque")) == {i.pk for i in items}


def test_long_result_lists_are_filtered_in_the_index(reference_data):
    public = [published(f"Bricothèque n° {n}") for n in range(3)]
    draft = new_initiative(**PLAIN, title="Bricothèque en projet")
    assert set(found("bricothèque")) == {i.pk for i in public}
    assert set(found("bricothèque", published_only=False)) == {draft.pk, *(i.pk for i in public)}


def test_centre_and_departement_names_find_initiatives(reference_data):
    in_saint_denis = published("Atelier vélo", centre_slug="profession-banlieue")
    in_lyon = published("Atelier couture", commune_code="69123")
    assert found("Profession Banlieue") == [in_saint_denis.pk]
    assert found("Seine-Saint-Denis") == [in_saint_denis.pk]
    assert found("atelier seine saint denis") == [in_saint_denis.pk]
    assert found("Rhône") == [in_lyon.pk]
    assert found("rhone atelier") == [in_lyon.pk]
    assert found("69") == [in_lyon.pk]
