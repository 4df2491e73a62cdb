"""Fixtures of the publications tests: people in each role, a series, published initiatives,
an issue with content."""

import pytest
from django.contrib.auth.models import Group, User

from pepites.core.roles import NATIONAL_TEAM_GROUP
from pepites.publications.services import (
    add_article,
    add_featured_initiative,
    create_issue,
    create_series,
)
from tests.initiatives.helpers import new_initiative


@pytest.fixture
def national(db):
    user = User.objects.create_user("nationale", "nationale@example.org", "x")
    group, _created = Group.objects.get_or_create(name=NATIONAL_TEAM_GROUP)
    user.groups.add(group)
    return user


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@example.org", "x")


@pytest.fixture
def editor(db):
    return User.objects.create_user("redactrice", "redactrice@example.org", "x")


@pytest.fixture
def stranger(db):
    return User.objects.create_user("inconnu", "inconnu@example.org", "x")


@pytest.fixture
def series(reference_data):
    return create_series(
        title="L'Éco des quartiers",
        slug="eco-des-quartiers",
        tagline="pour les décideurs et les professionnels",
    )


@pytest.fixture
def initiatives(reference_data):
    """Three published initiatives and a draft, in sample communes."""
    return {
        "boutique": new_initiative(status="publiee"),
        "couveuse": new_initiative(
            title="Une couveuse d'entreprises à Lille-Sud",
            summary="Tester son activité sans risque avant de créer son entreprise.",
            porteur_name="Couveuse du Nord",
            commune_code="59350",
            theme_slugs=["entrepreneuriat"],
            status="publiee",
        ),
        "atelier": new_initiative(
            title="Des ateliers d'artisans dans un parking",
            summary="Un parking souterrain transformé en ateliers pour artisans du quartier.",
            porteur_name="Foncière solidaire",
            commune_code="91228",
            theme_slugs=["immobilier-entreprise"],
            status="publiee",
        ),
        "brouillon": new_initiative(
            title="Un projet encore en préparation",
            summary="Pas encore publié.",
            commune_code="69123",
            theme_slugs=["commerce-proximite"],
            status="brouillon",
        ),
    }


@pytest.fixture
def issue(series, initiatives, editor):
    """A draft issue with an editorial, two articles, two featured initiatives and an
    invited editor."""
    issue = create_issue(
        series=series,
        title="Le commerce de proximité, cœur du quartier",
        theme_slugs=["commerce-proximite"],
        editorial="Un éditorial **engagé** sur le commerce.",
        editorial_author="Le Club Dév Éco",
    )
    add_article(
        issue=issue,
        title="Revitaliser une polarité commerciale",
        author="Camille Martin",
        body="Premier article.\n\n## Les leviers\n\n- la maîtrise foncière",
        centre_slugs=["profession-banlieue", "labo-cites"],
    )
    add_article(issue=issue, title="Unions commerciales", body="Deuxième article.")
    add_featured_initiative(issue=issue, initiative=initiatives["boutique"])
    add_featured_initiative(issue=issue, initiative=initiatives["couveuse"])
    issue.editors.add(editor)
    return issue
