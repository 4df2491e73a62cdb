"""Validators shared by several domains; messages in French for the people who see them."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Communes: 5 characters, Corsica uses 2A/2B, overseas 97x/98x.
COMMUNE_CODE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
DEPARTEMENT_CODE_RE = re.compile(r"^(?:\d{2}|2[AB]|97\d|98\d)$")
REGION_CODE_RE = re.compile(r"^\d{2,3}$")
POSTAL_CODE_RE = re.compile(r"^\d{5}$")


def validate_commune_code(value: str) -> None:
    if not COMMUNE_CODE_RE.match(value or ""):
        raise ValidationError(
            _(
                "« %(value)s » n'est pas un code INSEE de commune valide (5 caractères, ex. 93066 ou 2A004)."
            ),
            code="invalid_commune_code",
            params={"value": value},
        )


def validate_departement_code(value: str) -> None:
    if not DEPARTEMENT_CODE_RE.match(value or ""):
        raise ValidationError(
            _("« %(value)s » n'est pas un code de département valide (ex. 93, 2A, 971)."),
            code="invalid_departement_code",
            params={"value": value},
        )


def validate_region_code(value: str) -> None:
    if not REGION_CODE_RE.match(value or ""):
        raise ValidationError(
            _("« %(value)s » n'est pas un code de région valide (ex. 84)."),
            code="invalid_region_code",
            params={"value": value},
        )


def validate_latitude(value: float) -> None:
    if value is not None and not -90 <= value <= 90:
        raise ValidationError(
            _("La latitude doit être comprise entre -90 et 90 (valeur reçue : %(value)s)."),
            code="latitude_out_of_range",
            params={"value": value},
        )


def validate_longitude(value: float) -> None:
    if value is not None and not -180 <= value <= 180:
        raise ValidationError(
            _("La longitude doit être comprise entre -180 et 180 (valeur reçue : %(value)s)."),
            code="longitude_out_of_range",
            params={"value": value},
        )


# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): in a title they can
# display text reversed ("Trojan Source"); ordinary right-to-left text does not need them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_no_bidi_controls(value: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in value if c in BIDI_CONTROLS})
    if found:
        raise ValidationError(
            _(
                "Ce texte contient des caractères qui inversent le sens d'affichage "
                "(%(codes)s) : retirez-les."
            ),
            code="bidi_control",
            params={"codes": ", ".join(found)},
        )
