"""Optimistic locking: of two people editing the same initiative, the second to save is told,
and the first one's work is kept. Sequential first, then with real threads and connections
(on whatever database the settings point to: SQLite or PostgreSQL)."""

import threading
import time
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from pepites.core.errors import ConflictError
from pepites.initiatives.models import Initiative
from pepites.initiatives.services import save_initiative, update_initiative
from tests.initiatives.helpers import new_initiative

THREAD_TIMEOUT = 30


def test_second_editor_gets_a_conflict_and_the_first_edit_is_kept(reference_data):
    created = new_initiative(title="Titre initial", summary="Résumé initial.")
    alice = Initiative.objects.get(pk=created.pk)
    bob = Initiative.objects.get(pk=created.pk)
    assert alice.version == bob.version == 1

    update_initiative(initiative=alice, expected_version=1, summary="Résumé d'Alice.")
    assert Initiative.objects.get(pk=created.pk).version == 2

    with pytest.raises(ConflictError) as excinfo:
        update_initiative(
            initiative=bob, expected_version=1, summary="Résumé de Bob.", title="Titre de Bob"
        )

    error = excinfo.value
    assert (error.expected_version, error.current_version) == (1, 2)
    message = str(error)
    assert "modifiée par quelqu'un d'autre" in message
    assert "version 1 attendue, version 2 enregistrée" in message
    assert "rechargez la fiche" in message

    stored = Initiative.objects.get(pk=created.pk)
    assert (stored.version, stored.title, stored.summary) == (2, "Titre initial", "Résumé d'Alice.")

    # Bob reloads, reapplies his change on version 2 and saves.
    bob = Initiative.objects.get(pk=created.pk)
    update_initiative(initiative=bob, expected_version=bob.version, title="Titre de Bob")
    stored = Initiative.objects.get(pk=created.pk)
    assert (stored.version, stored.title, stored.summary) == (3, "Titre de Bob", "Résumé d'Alice.")


def test_conflict_also_guards_themes_and_the_admin_path(reference_data):
    created = new_initiative(theme_slugs=["ess"])
    stale = Initiative.objects.get(pk=created.pk)
    update_initiative(initiative=created, expected_version=1, summary="Relu.")

    with pytest.raises(ConflictError):
        update_initiative(initiative=stale, expected_version=1, theme_slugs=["numerique"])
    stale.summary = "Écrasé ?"
    with pytest.raises(ConflictError):
        save_initiative(initiative=stale, expected_version=1)

    stored = Initiative.objects.get(pk=created.pk)
    assert stored.version == 2
    assert stored.summary == "Relu."
    assert list(stored.themes.values_list("slug", flat=True)) == ["ess"]


def test_invalid_input_does_not_consume_a_version(reference_data):
    """After a ValidationError the editor fixes the input and saves with the version read."""
    initiative = new_initiative()

    with pytest.raises(ValidationError):
        update_initiative(initiative=initiative, expected_version=1, latitude=91)
    assert initiative.version == 1
    assert Initiative.objects.get(pk=initiative.pk).version == 1

    update_initiative(initiative=initiative, expected_version=initiative.version, latitude=48.9)
    assert Initiative.objects.get(pk=initiative.pk).version == 2


def run_threads(*targets) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_the_same_version(reference_data):
    """Two threads, each with its own connection, read version N then save at once
    (a barrier lines them up): exactly one wins, the other gets ConflictError."""
    initiative = new_initiative()
    for version in (1, 2):  # start from version 3, not the default
        update_initiative(initiative=initiative, expected_version=version, summary=f"v{version}")

    def editor(name: str, start_version: int, barrier: threading.Barrier, outcomes: dict) -> None:
        try:
            mine = Initiative.objects.get(pk=initiative.pk)
            assert mine.version == start_version
            barrier.wait()
            update_initiative(
                initiative=mine, expected_version=mine.version, summary=f"Résumé de {name}"
            )
            outcomes[name] = "saved"
        except ConflictError as exc:
            outcomes[name] = exc
        except Exception as exc:
            outcomes[name] = f"unexpected: {exc!r}"
        finally:
            connection.close()

    for _round in range(5):
        start_version = Initiative.objects.get(pk=initiative.pk).version
        barrier = threading.Barrier(2, timeout=THREAD_TIMEOUT)
        outcomes: dict[str, object] = {}

        run_threads(
            *(partial(editor, name, start_version, barrier, outcomes) for name in ("alice", "bob"))
        )

        saved = [name for name, outcome in outcomes.items() if outcome == "saved"]
        conflicts = [o for o in outcomes.values() if isinstance(o, ConflictError)]
        assert len(saved) == 1, outcomes
        assert len(conflicts) == 1, outcomes
        assert conflicts[0].expected_version == start_version
        assert conflicts[0].current_version == start_version + 1
        stored = Initiative.objects.get(pk=initiative.pk)
        assert stored.version == start_version + 1
        assert stored.summary == f"Résumé de {saved[0]}"

    assert Initiative.objects.get(pk=initiative.pk).version == 8


@pytest.mark.django_db(transaction=True)
def test_save_waits_for_an_open_transaction_then_conflicts(reference_data):
    """The losing save overlaps the winning transaction for sure: it is issued while the
    winner holds the row (PostgreSQL) or the database (SQLite) and has not committed."""
    initiative = new_initiative()
    claimed, loser_started = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def winner() -> None:
        try:
            with transaction.atomic():
                mine = Initiative.objects.get(pk=initiative.pk)
                update_initiative(initiative=mine, expected_version=1, summary="Gagnant")
                claimed.set()
                loser_started.wait(THREAD_TIMEOUT)
                time.sleep(0.3)  # the loser is now blocked on the lock
            outcomes["winner"] = "saved"
        except Exception as exc:
            outcomes["winner"] = exc
        finally:
            connection.close()

    def loser() -> None:
        try:
            mine = Initiative.objects.get(pk=initiative.pk)  # read before the winner commits
            claimed.wait(THREAD_TIMEOUT)
            loser_started.set()
            started = time.monotonic()
            try:
                update_initiative(initiative=mine, expected_version=mine.version, summary="Perdant")
                outcomes["loser"] = "saved"
            finally:
                outcomes["loser_waited"] = time.monotonic() - started
        except Exception as exc:
            outcomes["loser"] = exc
        finally:
            connection.close()

    run_threads(winner, loser)

    assert outcomes["winner"] == "saved", outcomes
    assert isinstance(outcomes["loser"], ConflictError), outcomes
    assert outcomes["loser_waited"] >= 0.2  # it did wait for the winner's commit
    assert (outcomes["loser"].expected_version, outcomes["loser"].current_version) == (1, 2)
    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.version, stored.summary) == (2, "Gagnant")


@pytest.mark.django_db(transaction=True)
def test_identical_titles_created_at_the_same_time_get_distinct_slugs(reference_data):
    """The second creation chooses its slug while the first one's row is not yet committed:
    on PostgreSQL its insert then meets the unique index (and retries with the next slug);
    on SQLite it waits for the first transaction before choosing."""
    inserted, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = new_initiative(title="Même titre")
                inserted.set()
                release.wait(THREAD_TIMEOUT)
        except Exception as exc:  # reported by the assertions below
            results["first"] = exc
        finally:
            inserted.set()
            connection.close()

    def second() -> None:
        inserted.wait(THREAD_TIMEOUT)
        try:
            results["second"] = new_initiative(title="Même titre")
        except Exception as exc:
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    time.sleep(1)  # the second one is now waiting on the first one's transaction
    release.set()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert isinstance(results["first"], Initiative), results["first"]
    assert isinstance(results["second"], Initiative), results["second"]
    assert sorted(Initiative.objects.values_list("slug", flat=True)) == [
        "meme-titre",
        "meme-titre-2",
    ]
