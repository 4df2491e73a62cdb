"""The SIRET: 14 digits whose Luhn sum is a multiple of 10, but La Poste's establishments
(SIREN 356000000, too many for the key) but its head office: their digits add up to a
multiple of 5."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LA_POSTE_SIREN = "356000000"
# La Poste's head office follows the general rule (its key is a valid Luhn key).
LA_POSTE_HEAD_OFFICE = "35600000000048"


def clean_siret(value: str) -> str:
    """The SIRET as typed (spaces, dots, dashes) reduced to its digits."""
    return "".join(ch for ch in str(value or "") if ch not in " .-\u00a0\u202f")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_problem(value: str) -> str:
    """The French reason why `value` is not a SIRET, or "" when it is one."""
    digits = clean_siret(value)
    if len(digits) != 14 or not digits.isdigit():
        return _("Un SIRET compte 14 chiffres (ici : « %(value)s »).") % {"value": value[:40]}
    if digits.startswith(LA_POSTE_SIREN) and digits != LA_POSTE_HEAD_OFFICE:
        if sum(int(c) for c in digits) % 5 == 0:
            return ""
        return _(
            "SIRET de La Poste invalide : la somme de ses chiffres doit être un multiple de 5."
        )
    if not luhn_valid(digits):
        return _("SIRET invalide : la clé de contrôle ne correspond pas (vérifiez chaque chiffre).")
    return ""


def validate_siret(value: str) -> None:
    problem = siret_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_siret")
