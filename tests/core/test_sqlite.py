"""The embedded SQLite instance under concurrent writers: WAL, BEGIN IMMEDIATE and the busy
timeout must turn "database is locked" into a short wait. Skipped on other databases."""

import sqlite3
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pepites.initiatives.models import Initiative
from pepites.initiatives.services import update_initiative
from tests.initiatives.helpers import new_initiative

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only"),
]

THREADS = 8
TRANSACTIONS_PER_THREAD = 30  # a third each: create, update its own, update a shared row


def pragma(name: str):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def test_connection_runs_in_wal_with_a_busy_timeout():
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["NAME"] not in ("", ":memory:")  # threads share a file
    assert pragma("journal_mode") == "wal"
    assert pragma("busy_timeout") == options["timeout"] * 1000
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 1  # NORMAL


def test_a_transaction_takes_the_write_lock_at_begin():
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        Initiative.objects.exists()  # a read only
        # Another connection, which does not wait, cannot start a write transaction now.
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    assert queries.captured_queries[0]["sql"] == "BEGIN IMMEDIATE"


def test_concurrent_short_write_transactions(reference_data):
    shared = new_initiative(title="Fiche partagée")
    barrier = threading.Barrier(THREADS, timeout=30)
    errors: list[BaseException] = []
    own_pks: list[int] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        try:
            barrier.wait()
            mine: list[Initiative] = []
            for i in range(TRANSACTIONS_PER_THREAD):
                step = i % 3
                if step == 0:
                    mine.append(new_initiative(title="Même titre", commune_code="93048"))
                elif step == 1:
                    own = mine[-1]
                    update_initiative(initiative=own, expected_version=1, summary=f"Relu {n}")
                else:
                    # Read then write in one transaction: under BEGIN IMMEDIATE the read
                    # already holds the write lock, so the version read is still current.
                    with transaction.atomic():
                        row = Initiative.objects.get(pk=shared.pk)
                        update_initiative(
                            initiative=row, expected_version=row.version, summary=f"Par {n}"
                        )
            with lock:
                own_pks.extend(i.pk for i in mine)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    per_thread = TRANSACTIONS_PER_THREAD // 3
    assert len(own_pks) == THREADS * per_thread
    assert Initiative.objects.count() == 1 + THREADS * per_thread
    assert set(Initiative.objects.filter(pk__in=own_pks).values_list("version", flat=True)) == {2}
    assert Initiative.objects.get(pk=shared.pk).version == 1 + THREADS * per_thread
    assert Initiative.themes.through.objects.count() == 2 * (1 + THREADS * per_thread)
    # Same title everywhere: the slugs were numbered one transaction after the other.
    assert Initiative.objects.values("slug").distinct().count() == 1 + THREADS * per_thread
