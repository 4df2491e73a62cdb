"""The last seat, asked for by two people at the same instant (real threads, each with its
own connection): exactly one gets it, the other is put on the waiting list."""

import threading
from functools import partial

import pytest
from django.db import connection

from pepites.events.models import RegistrationStatus
from pepites.events.registrations import confirm_registration
from tests.events.helpers import new_event, sign_up

TIMEOUT = 30


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_never_take_the_last_seat_twice(reference_data):
    for round_ in range(3):
        event = new_event(title=f"Atelier {round_}", capacity=1)
        tokens = [sign_up(event, n, confirm=False).token for n in (1, 2)]
        barrier = threading.Barrier(2, timeout=TIMEOUT)
        outcomes: dict[str, object] = {}

        def confirm(token: str, barrier: threading.Barrier, outcomes: dict) -> None:
            try:
                barrier.wait()
                outcomes[token] = confirm_registration(token=token).status
            except Exception as exc:
                outcomes[token] = f"unexpected: {exc!r}"
            finally:
                connection.close()

        threads = [
            threading.Thread(target=partial(confirm, token, barrier, outcomes)) for token in tokens
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
        assert not any(thread.is_alive() for thread in threads)
        assert sorted(map(str, outcomes.values())) == ["attente", "confirmee"], outcomes
        assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 1
