"""The happy path of the initiatives services: slugs, themes, routing to a centre, publication."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pepites.initiatives.models import Initiative, InitiativeStatus, Theme
from pepites.initiatives.services import (
    PRINCIPAL_THEME_OUTSIDE,
    load_default_themes,
    save_initiative,
    unique_slug,
    update_initiative,
)
from tests.initiatives.helpers import new_initiative


def test_create_stores_every_field(reference_data):
    initiative = new_initiative(
        latitude=48.936,
        longitude=2.357,
        start_year=2021,
        porteur_kind="cooperative",
        contact_name="Awa Diallo",
        contact_consent=True,
        links=[("https://example.org/boutique", "Le site"), ("https://example.org/bilan", "")],
    )
    stored = Initiative.objects.get(pk=initiative.pk)
    assert stored.version == 1
    assert stored.status == InitiativeStatus.DRAFT
    assert stored.published_at is None
    assert stored.commune_id == "93066"
    assert (stored.latitude, stored.longitude, stored.start_year) == (48.936, 2.357, 2021)
    assert stored.porteur_kind == "cooperative"
    assert [(link.url, link.label, link.position) for link in stored.links.all()] == [
        ("https://example.org/boutique", "Le site", 0),
        ("https://example.org/bilan", "", 1),
    ]


def test_slug_comes_from_the_title_and_is_unique(reference_data):
    first = new_initiative(title="Un café solidaire à Saint-Denis !")
    second = new_initiative(title="Un café solidaire à Saint-Denis !")
    third = new_initiative(title="Un  café solidaire à saint-denis")
    assert first.slug == "un-cafe-solidaire-a-saint-denis"
    assert second.slug == "un-cafe-solidaire-a-saint-denis-2"
    assert third.slug == "un-cafe-solidaire-a-saint-denis-3"
    assert new_initiative(title="!!!").slug == "initiative"
    long_slug = new_initiative(title="Quartier " * 22).slug
    assert len(long_slug) <= 120
    assert not long_slug.endswith("-")
    # The slug of an initiative does not collide with itself.
    assert unique_slug(title=first.title, exclude_pk=first.pk) == first.slug


def test_slug_is_stable_when_the_title_changes(reference_data):
    initiative = new_initiative(title="Titre de départ")
    updated = update_initiative(initiative=initiative, expected_version=1, title="Nouveau titre")
    assert updated.slug == "titre-de-depart"  # published addresses do not break
    assert Initiative.objects.get(pk=initiative.pk).title == "Nouveau titre"


def test_principal_theme_is_always_among_the_themes(reference_data):
    default = new_initiative(theme_slugs=["ess", "numerique", "ess"])
    assert default.principal_theme.slug == "ess"
    assert sorted(default.themes.values_list("slug", flat=True)) == ["ess", "numerique"]

    chosen = new_initiative(theme_slugs=["numerique", "mobilite"], principal_theme_slug="mobilite")
    assert chosen.principal_theme.slug == "mobilite"
    assert sorted(chosen.themes.values_list("slug", flat=True)) == ["mobilite", "numerique"]

    # Issue 12: a principal theme outside the themes is refused, no longer added silently.
    with pytest.raises(ValidationError) as excinfo:
        new_initiative(theme_slugs=["numerique"], principal_theme_slug="mobilite")
    assert excinfo.value.message_dict == {"principal_theme": [str(PRINCIPAL_THEME_OUTSIDE)]}
    with pytest.raises(ValidationError):
        new_initiative(theme_slugs=[], principal_theme_slug="emploi-insertion")

    for initiative in Initiative.objects.all():
        assert initiative.themes.filter(pk=initiative.principal_theme_id).exists()


def test_update_of_the_themes(reference_data):
    initiative = new_initiative(
        theme_slugs=["commerce-proximite", "entrepreneuriat"],
        principal_theme_slug="entrepreneuriat",
    )

    # The principal theme stays while it is still among the themes...
    initiative = update_initiative(
        initiative=initiative, expected_version=1, theme_slugs=["ess", "entrepreneuriat"]
    )
    assert initiative.principal_theme.slug == "entrepreneuriat"
    # ...and the first theme takes its place when it is removed.
    initiative = update_initiative(
        initiative=initiative, expected_version=2, theme_slugs=["numerique", "ess"]
    )
    assert initiative.principal_theme.slug == "numerique"
    # Issue 12: a new principal theme must be among the themes (it used to join them)...
    with pytest.raises(ValidationError) as excinfo:
        update_initiative(
            initiative=initiative, expected_version=3, principal_theme_slug="mobilite"
        )
    assert "principal_theme" in excinfo.value.message_dict
    initiative = Initiative.objects.get(pk=initiative.pk)
    initiative = update_initiative(
        initiative=initiative,
        expected_version=3,
        theme_slugs=["numerique", "ess", "mobilite"],
        principal_theme_slug="mobilite",
    )

    stored = Initiative.objects.get(pk=initiative.pk)
    assert stored.version == 4
    assert stored.principal_theme.slug == "mobilite"
    assert sorted(stored.themes.values_list("slug", flat=True)) == ["ess", "mobilite", "numerique"]


@pytest.mark.parametrize(
    ("commune_code", "centre"),
    [
        ("93066", "profession-banlieue"),  # Saint-Denis
        ("77288", None),  # Seine-et-Marne: the national team
        ("2A004", None),  # Ajaccio
        ("75119", "pole-ressources-paris"),  # an arrondissement of Paris
        ("69388", "labo-cites"),
        ("31555", "ressources-territoires"),
        ("34172", "villes-et-territoires"),
        ("97411", "cr-csur"),
        ("97101", "crpv-guadeloupe"),  # a centre en préfiguration still receives them
    ],
)
def test_centre_is_routed_from_the_commune(reference_data, commune_code, centre):
    initiative = new_initiative(commune_code=commune_code)
    assert (initiative.centre.slug if initiative.centre else None) == centre


def test_centre_can_be_chosen_or_left_to_the_national_team(reference_data):
    assert new_initiative(centre_slug="labo-cites").centre.slug == "labo-cites"
    assert new_initiative(centre_slug="").centre is None


def test_changing_the_commune_keeps_the_centre(reference_data):
    initiative = new_initiative(commune_code="93066")
    update_initiative(initiative=initiative, expected_version=1, commune_code="93048")
    stored = Initiative.objects.select_related("commune", "centre").get(pk=initiative.pk)
    assert stored.commune.name == "Montreuil"
    assert stored.centre.slug == "profession-banlieue"


def test_published_at_is_stamped_on_publication(reference_data):
    before = timezone.now()
    published = new_initiative(status=InitiativeStatus.PUBLISHED)
    assert before <= published.published_at <= timezone.now()

    draft = new_initiative(status=InitiativeStatus.DRAFT)
    assert draft.published_at is None
    draft = update_initiative(initiative=draft, expected_version=1, summary="Relu.")
    assert draft.published_at is None
    draft = update_initiative(
        initiative=draft, expected_version=2, status=InitiativeStatus.PUBLISHED
    )
    first_publication = Initiative.objects.get(pk=draft.pk).published_at
    assert first_publication is not None

    # Editing a published initiative does not move its publication date.
    draft = update_initiative(initiative=draft, expected_version=3, summary="Mis à jour.")
    assert Initiative.objects.get(pk=draft.pk).published_at == first_publication


def test_save_initiative_is_the_path_of_forms_and_admin(reference_data):
    initiative = new_initiative()
    initiative.summary = "Modifié dans l'administration."
    save_initiative(initiative=initiative, expected_version=1)
    assert Initiative.objects.get(pk=initiative.pk).version == 2


def test_unknown_field_is_a_programming_error(reference_data):
    initiative = new_initiative()
    with pytest.raises(TypeError, match="version"):
        update_initiative(initiative=initiative, expected_version=1, version=7)
    with pytest.raises(TypeError, match="slug"):
        new_initiative(slug="choisi")
    assert Initiative.objects.get(pk=initiative.pk).version == 1


def test_default_themes_are_loaded_once_and_never_overwritten(reference_data):
    assert Theme.objects.count() == 10
    assert list(Theme.objects.values_list("position", flat=True)) == list(range(1, 11))
    assert Theme.objects.filter(in_publication=True).count() == 4
    Theme.objects.filter(slug="ess").update(label="ESS (libellé modifié)")

    report = load_default_themes()

    assert (report.created, report.existing) == (0, 10)
    assert Theme.objects.get(slug="ess").label == "ESS (libellé modifié)"


def test_the_location_status_after_an_edit(reference_data):
    from pepites.initiatives.services import location_status_after_edit

    placed = new_initiative(latitude=48.9277, longitude=2.3652, location_status="found")

    def status(lat, lon, stated="", initiative=placed):
        return location_status_after_edit(
            initiative=initiative, latitude=lat, longitude=lon, stated=stated
        )

    assert status(None, None, stated="manual") == ""  # no point, no status
    assert status(48.9277, 2.3652, stated="uncertain") == "uncertain"  # the script says
    assert status(48.9277004, 2.3651996) == "found"  # rewritten to 6 decimals: not moved
    assert status(48.93, 2.3652) == "manual"  # moved by hand
    assert status(48.93, 2.36, initiative=None) == "manual"  # typed on a new initiative
