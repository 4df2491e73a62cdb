"""Bad input to create_initiative / update_initiative: a ValidationError naming the field,
in French, and nothing written. Below the services, the database's CHECK constraints."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pepites.initiatives.models import Initiative, InitiativeLink
from pepites.initiatives.services import update_initiative
from tests.initiatives.helpers import new_initiative, stored

ThemeLink = Initiative.themes.through

BAD_INPUT = {
    "insee-code-too-short": (
        {"commune_code": "9306"},
        "commune",
        "« 9306 » n'est pas un code INSEE de commune valide",
    ),
    "insee-code-letters": (
        {"commune_code": "ABCDE"},
        "commune",
        "« ABCDE » n'est pas un code INSEE de commune valide",
    ),
    "unknown-commune": (
        {"commune_code": "99999"},
        "commune",
        "La commune 99999 est inconnue du Code officiel géographique.",
    ),
    "latitude-91": (
        {"latitude": 91, "longitude": 2.35},
        "latitude",
        "La latitude doit être comprise entre -90 et 90 (valeur reçue : 91",
    ),
    "longitude-minus-181": (
        {"latitude": 48.9, "longitude": -181},
        "longitude",
        "La longitude doit être comprise entre -180 et 180 (valeur reçue : -181",
    ),
    "unknown-theme": (
        {"theme_slugs": ["commerce-proximite", "astrologie"]},
        "themes",
        "Thématique inconnue : astrologie.",
    ),
    "unknown-principal-theme": (
        {"principal_theme_slug": "astrologie"},
        "themes",
        "Thématique inconnue : astrologie.",
    ),
    "no-theme": ({"theme_slugs": []}, "themes", "Choisissez au moins une thématique."),
    "contact-without-consent": (
        {"contact_name": "Awa Diallo", "contact_email": "awa@example.org"},
        "contact_consent",
        "Un contact ne peut être enregistré qu'avec le consentement de la personne",
    ),
    "unknown-centre": ({"centre_slug": "nulle-part"}, "centre", "Centre « nulle-part » inconnu."),
    "empty-title": ({"title": ""}, "title", "Ce champ ne peut pas être vide."),
    "bad-porteur-kind": ({"porteur_kind": "secte"}, "porteur_kind", "n’est pas un choix valide"),
    "start-year-too-early": (
        {"start_year": 1789},
        "start_year",
        "supérieure ou égale à 1900",
    ),
    "bad-contact-email": (
        {"contact_name": "Awa", "contact_email": "awa@", "contact_consent": True},
        "contact_email",
        "Saisissez une adresse de courriel valide.",
    ),
    "bad-link": ({"links": [("pas une adresse", "Site")]}, "url", "Saisissez une URL valide."),
}


def counts() -> tuple[int, int, int]:
    return Initiative.objects.count(), ThemeLink.objects.count(), InitiativeLink.objects.count()


def assert_error(error: ValidationError, field: str, message: str) -> None:
    assert field in error.message_dict, error.message_dict
    assert any(message in m for m in error.message_dict[field]), error.message_dict


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_create_rejects_bad_input_and_saves_nothing(reference_data, case):
    overrides, field, message = BAD_INPUT[case]
    new_initiative(title="Une autre initiative déjà là")
    before = counts()

    with pytest.raises(ValidationError) as excinfo:
        new_initiative(**overrides)

    assert_error(excinfo.value, field, message)
    assert counts() == before


def test_contact_with_consent_is_accepted(reference_data):
    initiative = new_initiative(
        contact_name="Awa Diallo", contact_email="awa@example.org", contact_consent=True
    )
    assert initiative.contact_consent is True


UPDATE_BAD_INPUT = {
    key: BAD_INPUT[key]
    for key in (
        "insee-code-too-short",
        "insee-code-letters",
        "unknown-commune",
        "latitude-91",
        "longitude-minus-181",
        "unknown-theme",
        "no-theme",
        "contact-without-consent",
        "empty-title",
    )
}


@pytest.mark.parametrize("case", UPDATE_BAD_INPUT, ids=list(UPDATE_BAD_INPUT))
def test_update_rejects_bad_input_and_writes_nothing(reference_data, case):
    overrides, field, message = UPDATE_BAD_INPUT[case]
    initiative = new_initiative(latitude=48.936, longitude=2.357)
    before, before_counts = stored(initiative), counts()

    with pytest.raises(ValidationError) as excinfo:
        update_initiative(
            initiative=Initiative.objects.get(pk=initiative.pk), expected_version=1, **overrides
        )

    assert_error(excinfo.value, field, message)
    assert stored(initiative) == before  # version still 1, themes unchanged
    assert counts() == before_counts


def test_all_errors_of_a_form_are_reported_together(reference_data):
    with pytest.raises(ValidationError) as excinfo:
        new_initiative(title="", latitude=91, longitude=-181, contact_phone="01 02 03 04 05")
    assert {"title", "latitude", "longitude", "contact_consent"} <= set(excinfo.value.message_dict)
    assert Initiative.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("latitude", 91.0), ("latitude", -90.5), ("longitude", -181.0), ("longitude", 180.01)],
)
def test_database_refuses_out_of_range_coordinates(reference_data, field, value):
    """A write that bypasses the services (raw queryset update) still cannot store them."""
    initiative = new_initiative(latitude=48.936, longitude=2.357)

    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(**{field: value})

    initiative.refresh_from_db()
    assert (initiative.latitude, initiative.longitude) == (48.936, 2.357)


def test_database_accepts_coordinates_at_the_bounds(reference_data):
    initiative = new_initiative()
    Initiative.objects.filter(pk=initiative.pk).update(latitude=-90, longitude=180)
    Initiative.objects.filter(pk=initiative.pk).update(latitude=None, longitude=None)
    initiative.refresh_from_db()
    assert initiative.latitude is None
