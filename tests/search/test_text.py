"""The French normalisation shared by documents and queries."""

import pytest

from pepites.search.text import (
    MAX_QUERY_WORDS,
    best_correction,
    document_terms,
    edit_distance,
    fold,
    parse_query,
    stem,
    word_forms,
)


def test_fold_removes_case_accents_and_ligatures():
    assert fold("Épicerie ŒUVRE Cœur Ça Noël naïf ﬁn") == "epicerie oeuvre coeur ca noel naif fin"


@pytest.mark.parametrize(
    ("a", "b"),
    [("commerces", "commerce"), ("epiceries", "epicerie"), ("solidaires", "solidaire")],
)
def test_plurals_share_a_stem(a, b):
    assert stem(a) == stem(b)


def test_document_terms_drop_stopwords():
    terms = document_terms("L'épicerie des Tilleuls", "et du quartier")
    assert terms.split() == ["epicer", "tilleul", "quarti"]


def test_parse_query_keeps_distinct_words_and_their_forms():
    words = parse_query("Les emplois, l'EMPLOI et les emplois !")
    assert [(w.word, w.forms) for w in words] == [
        ("emplois", ("emplois", "emploi")),
        ("emploi", ("emploi", "emplois")),
    ]
    assert parse_query("le la les du") == []
    assert len(parse_query(" ".join(f"mot{n}" for n in range(50)))) == MAX_QUERY_WORDS


def test_word_forms_of_short_words_and_numbers():
    assert word_forms("93") == ("93",)
    assert word_forms("2024") == ("2024",)
    assert word_forms("bus") == ("bus", "buss")
    assert word_forms("bureaux") == ("bureaux", "bureau")


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("epicerie", "epicerie", 0),
        ("epiceire", "epicerie", 1),
        ("epicrie", "epicerie", 1),
        ("epicerrie", "epicerie", 1),
        ("epicerle", "epicerie", 1),
        ("epcreie", "epicerie", 2),
        ("garage", "epicerie", 3),
    ],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b, limit=2) == min(distance, 3)


def test_best_correction_needs_a_long_enough_word():
    assert best_correction("epiceire", ["epicerie", "epice"]) == "epicerie"
    assert best_correction("epi", ["epic"]) is None
    assert best_correction("2024", ["2023"]) is None
    assert best_correction("garage", ["epicerie"]) is None
    assert best_correction("rues", ["ruse", "rude", "rue"]) == "rue"  # ties: alphabetical
