import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pepites.core.db import read_snapshot
from pepites.initiatives.models import Theme


@pytest.mark.django_db(transaction=True)
def test_read_snapshot_does_not_take_the_sqlite_write_lock():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with CaptureQueriesContext(connection) as queries, read_snapshot():
        list(Theme.objects.all())
    statements = [q["sql"] for q in queries.captured_queries]
    assert statements[0] == "BEGIN DEFERRED"
    assert not any("IMMEDIATE" in sql for sql in statements)
    assert statements[-1] == "COMMIT"
    assert connection.get_autocommit()


@pytest.mark.django_db
def test_read_snapshot_inside_a_transaction_reads_normally():
    with read_snapshot():
        assert list(Theme.objects.all()) == []


@pytest.mark.django_db
def test_bulk_generation_leaves_planner_statistics(reference_data):
    from pepites.initiatives.demo import generate_initiatives
    from pepites.initiatives.models import Initiative

    generate_initiatives(count=50, seed=3)
    table = Initiative._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        assert cursor.fetchone()[0] > 0
