"""The SIRET: 14 digits, Luhn key, and La Poste's exception; French messages."""

import pytest
from django.core.exceptions import ValidationError

from pepites.organisations.names import normalise_name
from pepites.organisations.validators import siret_problem, validate_siret


@pytest.mark.parametrize(
    "siret",
    ["73282932000074", "732 829 320 00074", "41816609600069", "35600000000048", "35600000049837"],
)
def test_valid_sirets(siret):
    validate_siret(siret)


def test_a_bad_key_is_refused_in_french():
    with pytest.raises(ValidationError) as caught:
        validate_siret("73282932000075")
    assert "clé de contrôle" in caught.value.messages[0]


def test_la_poste_establishments_add_up_to_a_multiple_of_five():
    # 35600000049837: not a Luhn key, but its digits add up to 45: valid for La Poste.
    assert siret_problem("35600000049837") == ""
    assert "La Poste" in siret_problem("35600000049838")


@pytest.mark.parametrize("value", ["1234", "7328293200007A", "732829320000745"])
def test_fourteen_digits_are_required(value):
    assert "14 chiffres" in siret_problem(value)


def test_spellings_of_one_name_normalise_alike():
    assert normalise_name("Asso. Les Jardins d'Émile") == normalise_name("LES JARDINS D'EMILE")
    assert normalise_name("Les Jardins d'Émile") != normalise_name("Jardins de Paul")
    assert normalise_name("Les") == "les"  # a name of ignored words only stays itself
