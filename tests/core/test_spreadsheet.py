"""Spreadsheet safety of CSV cells: every formula prefix neutralised, and the rule is a
bijection so that our importer gives back the exact text."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pepites.core.spreadsheet import FORMULA_TRIGGERS, SafeCsvWriter, neutralise, restore


@pytest.mark.parametrize("prefix", list(FORMULA_TRIGGERS))
def test_each_formula_prefix_is_neutralised(prefix):
    value = f'{prefix}HYPERLINK("http://example.org","clic")'
    assert neutralise(value) == "'" + value
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", ["", "texte", "'apostrophe", "a=1", " =espace", "'"])
def test_other_text_is_left_as_it_is(value):
    assert neutralise(value) == value
    assert restore(value) == value


def test_text_that_looks_prefixed_is_prefixed_again():
    assert neutralise("'=1") == "''=1"
    assert restore("''=1") == "'=1"


@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", " "])))
def test_restore_inverts_neutralise(value):
    assert restore(neutralise(value)) == value


def test_the_writer_neutralises_text_not_numbers():
    out = io.StringIO()
    SafeCsvWriter(out).writerow(["=1+1", -3, -2.5, "@a", "ok"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "-3", "-2.5", "'@a", "ok"]
