"""Shared fixtures: reference data built from the real COG package, kept small per test."""

import functools
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction

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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """`--reuse-db` on SQLite: the test database's file is named after the process (two runs
    never share it), so a kept file would never be found again; with the option, one file
    of a stable name is kept and reused instead."""
    database = settings.DATABASES["default"]
    if request.config.getvalue("reuse_db") and database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = database["TEST"]["NAME"].replace(f"-{os.getpid()}", "-reuse")


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


class ReferenceSnapshot:
    """Reference data built once per test session and copied into each test that needs it.

    The first test that asks for it runs the real loaders in a savepoint, copies the rows of
    the tables they filled (COPY on PostgreSQL, plain rows on SQLite) and rolls back; every
    test then gets the same rows by copy, in its own transaction, instead of parsing the COG
    and the centres again (the full COG took about ten seconds per test). The tables stay
    empty between tests, so the tests that flush (transaction=True, live servers) or that
    expect an empty database behave as before; a test whose tables are not empty, or whose
    loaders would fill a table that was not empty, runs the loaders themselves.
    """

    def __init__(self, loader: Callable[[], None]) -> None:
        self.loader = loader
        self.rows: dict[str, Any] = {}

    def load(self) -> None:
        if not self.rows:
            self.rows = self._capture()
        if self.rows and not any(_row_counts(list(self.rows)).values()):
            _copy_in(self.rows)
        else:
            self.loader()

    def _capture(self) -> dict[str, Any]:
        tables = _all_tables()
        before = _row_counts(tables)
        with transaction.atomic():
            self.loader()
            after = _row_counts(tables)
            filled = [t for t in tables if after[t] != before[t]]
            rows = {t: _copy_out(t) for t in filled if not before[t]}
            transaction.set_rollback(True)
        return rows if len(rows) == len(filled) else {}


def _all_tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return [name for name in names if not name.startswith("sqlite_")]


def _row_counts(tables: list[str]) -> dict[str, int]:
    qn = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT {i}, COUNT(*) FROM {qn(t)}" for i, t in enumerate(tables))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = dict(cursor.fetchall())
    return {t: counts[i] for i, t in enumerate(tables)}


def _copy_out(table: str) -> Any:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} TO STDOUT") as copy:
                return b"".join(bytes(block) for block in copy)
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        # ifnull() hides the declared type from sqlite3's converters: the values come back
        # exactly as stored and go back in unchanged.
        cursor.execute(
            f"SELECT {', '.join(f'ifnull({qn(c)}, NULL)' for c in columns)} FROM {qn(table)}"
        )
        return columns, cursor.fetchall()


def _copy_in(rows: dict[str, Any]) -> None:
    qn = connection.ops.quote_name
    # One transaction even in the tests that commit: the foreign keys are checked at its end.
    with transaction.atomic(), connection.cursor() as cursor:
        for table, data in rows.items():
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(table)} FROM STDIN") as copy:
                    copy.write(data)
            else:
                columns, values = data
                marks = ", ".join(["%s"] * len(columns))
                names = ", ".join(qn(c) for c in columns)
                cursor.executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})", values)
        if connection.vendor == "postgresql":
            # Rows copied with their ids leave the identity sequences behind: move them on.
            models = [
                m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in rows
            ]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def _load_sample() -> None:
    import_cog(data=sample_cog())
    import_centres(rows=read_centres())
    load_default_themes()


def _load_full() -> None:
    import_cog(data=full_cog())
    import_centres(rows=read_centres())
    load_default_themes()


SAMPLE_REFERENCE = ReferenceSnapshot(_load_sample)
FULL_REFERENCE = ReferenceSnapshot(_load_full)


def load_sample_reference_data() -> None:
    SAMPLE_REFERENCE.load()


@pytest.fixture
def reference_data(db):
    """All régions and départements, a sample of communes, the 20 centres, the 10 themes."""
    SAMPLE_REFERENCE.load()


@pytest.fixture
def full_reference_data(db):
    """The whole COG (about 35,000 communes): for the tests that need every commune."""
    FULL_REFERENCE.load()


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
