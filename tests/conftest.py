"""Shared fixtures: reference data built from the real COG package, kept small per test."""

import functools

import pytest
from django.conf import settings

from pepites.initiatives.services import load_default_themes
from pepites.network.centres_csv import read_centres
from pepites.network.services import import_centres
from pepites.territories.cog import CogData, read_cog
from pepites.territories.services import import_cog

# A sample of real communes: covered and uncovered territories, Corsica, overseas,
# cities with arrondissements municipaux.
SAMPLE_COMMUNES = {
    "93066",  # Saint-Denis (Profession Banlieue)
    "93048",  # Montreuil
    "77288",  # Melun: no centre covers Seine-et-Marne
    "92050",  # Nanterre: no centre
    "75056",  # Paris
    "75119",  # Paris 19e arrondissement
    "69123",  # Lyon
    "69388",  # Lyon 8e arrondissement
    "13055",  # Marseille
    "59350",  # Lille
    "33063",  # Bordeaux
    "31555",  # Toulouse
    "34172",  # Montpellier
    "67482",  # Strasbourg
    "95127",  # Cergy
    "91228",  # Évry-Courcouronnes
    "44109",  # Nantes
    "35238",  # Rennes
    "76540",  # Rouen
    "37261",  # Tours
    "25056",  # Besançon
    "06088",  # Nice
    "2A004",  # Ajaccio: no centre
    "97411",  # Saint-Denis (La Réunion)
    "97302",  # Cayenne
    "97209",  # Fort-de-France
    "97611",  # Mamoudzou
    "97101",  # Les Abymes
    "14118",  # Caen
    "56121",  # Lorient (RésO Villes): the essaimage loop
}


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests do not depend on a previous `collectstatic`: serve static files by name."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def second_factor_optional(settings):
    """The second factor is required in production; the tests that check it turn it on
    (tests/web/test_two_factor.py), the others sign the national team in with force_login."""
    settings.TWO_FACTOR_REQUIRED = False


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files and cached PDFs go to a folder of the test's own, never to var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_cache():
    """Counts and cards are cached per data version, which a test's rollback takes back
    (and SQLite gives the same ids again): each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fresh_map_data():
    """Each test serves the map's data built from its own database, not another test's."""
    from pepites.initiatives import mapstore

    mapstore.forget_current()
    yield
    mapstore.forget_current()


@functools.cache
def full_cog() -> CogData:
    return read_cog(settings.COG_DATA_DIR)


def sample_cog() -> CogData:
    data = full_cog()
    return CogData(
        version=data.version,
        regions=data.regions,
        departements=data.departements,
        communes=[c for c in data.communes if c.code in SAMPLE_COMMUNES],
    )


def load_sample_reference_data() -> None:
    import_cog(data=sample_cog())
    import_centres(rows=read_centres())
    load_default_themes()


@pytest.fixture
def reference_data(db):
    """All régions and départements, a sample of communes, the 20 centres, the 10 themes."""
    load_sample_reference_data()


@pytest.fixture
def full_reference_data(db):
    """The whole COG (about 35,000 communes): for the tests that need every commune."""
    import_cog(data=full_cog())
    import_centres(rows=read_centres())
    load_default_themes()


# --- People in each role (contributions, permissions) -----------------------------------
PASSWORD = "Pepites-mot-de-passe-42"


@pytest.fixture
def fast_passwords(settings):
    """Django's default hasher is slow on purpose; tests that make accounts need not be."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(reference_data, fast_passwords):
    """One account per role: `member` and `manager` of Profession Banlieue (Seine-Saint-Denis),
    `other_member` of Labo Cités (Auvergne-Rhône-Alpes), `national` (national team), `admin`
    (superuser, staff), `outsider` (an account with no centre). Password: PASSWORD."""
    from types import SimpleNamespace

    from django.contrib.auth.models import Group, User

    from pepites.core.roles import NATIONAL_TEAM_GROUP
    from pepites.network.memberships import add_member
    from pepites.network.models import Centre, Membership

    def user(name: str, **extra) -> User:
        return User.objects.create_user(name, f"{name}@example.org", PASSWORD, **extra)

    pb = Centre.objects.get(slug="profession-banlieue")
    labo = Centre.objects.get(slug="labo-cites")
    member, manager, other = user("membre.pb"), user("responsable.pb"), user("membre.labo")
    add_member(user=member, centre=pb)
    add_member(user=manager, centre=pb, role=Membership.Role.MANAGER)
    add_member(user=other, centre=labo)
    national = user("nationale", is_staff=True)
    national.groups.add(Group.objects.get_or_create(name=NATIONAL_TEAM_GROUP)[0])
    admin = User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    return SimpleNamespace(
        member=member,
        manager=manager,
        other_member=other,
        national=national,
        admin=admin,
        outsider=user("personne"),
        pb=pb,
        labo=labo,
    )


@pytest.fixture
def run_jobs():
    """Run the queued jobs (e-mails…) as a worker would, in this process; returns how many ran."""
    from pepites.core.jobs.worker import run_pending

    return run_pending
