"""Registration to an event: double opt-in, capacity and waiting list, promotion on a
cancellation, the reminder sent once (time controlled), messages, retention."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from pepites.core.jobs.scheduler import tick
from pepites.events import tasks
from pepites.events.messaging import send_message
from pepites.events.models import Registration, RegistrationStatus
from pepites.events.registrations import (
    RateLimited,
    cancel_registration,
    confirm_registration,
    purge_registrations,
    register,
    send_reminders,
    waiting_position,
)
from pepites.events.services import EventInput, update_event
from tests.events.helpers import local_in, new_event, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data(reference_data):
    mail.outbox.clear()


def sent_to(run_jobs, address: str) -> list:
    run_jobs()
    return [m for m in mail.outbox if address in m.to]


def test_double_opt_in_gives_a_seat_only_after_the_e_mail_link(run_jobs):
    event = new_event(capacity=10)
    pending = sign_up(event, 1, confirm=False)
    assert pending.status == RegistrationStatus.PENDING and pending.seated_at is None
    [message] = sent_to(run_jobs, "personne1@example.net")
    assert "Confirmez votre inscription" in message.subject
    assert f"/agenda/inscription/{pending.token}/" in message.body
    confirmed = confirm_registration(token=pending.token)
    assert confirmed.status == RegistrationStatus.CONFIRMED and confirmed.seated_at
    assert "Inscription confirmée" in sent_to(run_jobs, "personne1@example.net")[-1].subject
    # A second click changes nothing and sends nothing.
    count = len(mail.outbox)
    assert confirm_registration(token=pending.token).status == RegistrationStatus.CONFIRMED
    run_jobs()
    assert len(mail.outbox) == count
    assert confirm_registration(token="inconnu") is None


def test_registering_twice_neither_duplicates_nor_tells(run_jobs):
    event = new_event()
    first = sign_up(event, 1)
    again = register(
        event=event,
        name="Autre nom",
        email="PERSONNE1@example.net",
        consent=True,
        ip="198.51.100.1",
    )
    assert again.pk == first.pk and again.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(event=event).count() == 1


def test_capacity_then_waiting_list_promoted_on_cancellation(run_jobs):
    event = new_event(capacity=2)
    one, two = sign_up(event, 1), sign_up(event, 2)
    three, four = sign_up(event, 3), sign_up(event, 4)
    assert [r.status for r in (one, two, three, four)] == ["confirmee"] * 2 + ["attente"] * 2
    assert waiting_position(three) == 1 and waiting_position(four) == 2
    assert "liste d'attente" in sent_to(run_jobs, "personne3@example.net")[-1].subject
    cancel_registration(registration=one)
    three.refresh_from_db(), four.refresh_from_db()
    assert three.status == RegistrationStatus.CONFIRMED and three.seated_at
    assert four.status == RegistrationStatus.WAITLISTED and waiting_position(four) == 1
    assert "Une place s'est libérée" in sent_to(run_jobs, "personne3@example.net")[-1].subject
    assert "Inscription annulée" in sent_to(run_jobs, "personne1@example.net")[-1].subject
    # Cancelling a waiting place frees no seat.
    cancel_registration(registration=four)
    assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 2


def test_a_larger_capacity_promotes_the_people_waiting(run_jobs):
    event = new_event(capacity=1)
    sign_up(event, 1)
    waiting = sign_up(event, 2)
    assert waiting.status == RegistrationStatus.WAITLISTED
    data = EventInput(
        title=event.title,
        kind=event.kind,
        summary=event.summary,
        starts_local=local_in(10),
        ends_local=local_in(10, hour=12),
        commune_code="93066",
        status="publie",
        capacity=2,
    )
    update_event(event=event, data=data, expected_version=event.version)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_reminder_is_sent_once_the_day_before(run_jobs):
    event = new_event(starts_local=local_in(5))
    sign_up(event, 1)
    sign_up(event, 2, confirm=False)  # never confirmed: no reminder
    run_jobs()
    mail.outbox.clear()
    assert send_reminders(now=event.starts_at - timedelta(hours=30)) == 0
    assert send_reminders(now=event.starts_at - timedelta(hours=20)) == 1
    assert send_reminders(now=event.starts_at - timedelta(hours=10)) == 0
    assert send_reminders(now=event.starts_at + timedelta(hours=1)) == 0
    [reminder] = sent_to(run_jobs, "personne1@example.net")
    assert "Rappel" in reminder.subject and "/agenda/inscription/" in reminder.body
    assert not sent_to(run_jobs, "personne2@example.net")


def test_the_periodic_job_sends_tomorrows_reminders_once(run_jobs):
    event = new_event(starts_local=local_in(3))
    sign_up(event, 1)
    run_jobs()
    # Tomorrow's event: the start moved within the reminder window.
    type(event).objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + timedelta(hours=20), ends_at=timezone.now() + timedelta(hours=23)
    )
    mail.outbox.clear()
    now = timezone.now()
    tick(now=now)  # first sight: scheduled
    tick(now=now + timedelta(hours=1))  # due: enqueued
    run_jobs()
    tasks.send_event_reminders.enqueue()  # run again by hand: nothing more
    run_jobs()
    assert len([m for m in mail.outbox if "Rappel" in m.subject]) == 1


def test_someone_confirming_the_day_before_gets_no_separate_reminder(run_jobs):
    event = new_event(starts_local=local_in(3))
    type(event).objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + timedelta(hours=5), ends_at=timezone.now() + timedelta(hours=7)
    )
    event.refresh_from_db()
    sign_up(event, 1)
    assert send_reminders() == 0


def test_registration_closes_when_the_event_starts():
    event = new_event(starts_local=local_in(-1), ends_local=local_in(-1, hour=18))
    with pytest.raises(ValidationError, match="closes"):
        sign_up(event, 1)


def test_input_is_checked_field_by_field():
    event = new_event()
    with pytest.raises(ValidationError) as caught:
        register(event=event, name="", email="pas-une-adresse", consent=False, ip="192.0.2.1")
    assert set(caught.value.message_dict) == {"name", "email", "consent"}
    assert not Registration.objects.exists()


def test_registrations_are_rate_limited(settings):
    settings.EVENT_REGISTRATIONS_PER_HOUR = 2
    event = new_event()
    for n in range(2):
        register(event=event, name="A", email=f"a{n}@example.net", consent=True, ip="192.0.2.7")
    with pytest.raises(RateLimited):
        register(event=event, name="A", email="a9@example.net", consent=True, ip="192.0.2.7")
    assert Registration.objects.count() == 2


def test_cancelling_the_event_tells_the_people_registered(run_jobs, people):
    from pepites.events.services import set_event_status

    event = new_event(capacity=1)
    sign_up(event, 1), sign_up(event, 2)
    run_jobs()
    mail.outbox.clear()
    set_event_status(
        event=event, status="annule", expected_version=event.version, user=people.member
    )
    run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "personne1@example.net",
        "personne2@example.net",
    ]
    assert all("Événement annulé" in m.subject for m in mail.outbox)


def test_a_message_reaches_each_person_registered_through_the_queue(run_jobs, people):
    event = new_event(capacity=1, is_online=True, online_url="https://visio.example.org/salle")
    sign_up(event, 1), sign_up(event, 2), sign_up(event, 3, confirm=False)
    run_jobs()
    mail.outbox.clear()
    message = send_message(
        event=event,
        subject="Salle changée",
        body="Rendez-vous salle B.",
        audience="toutes",
        user=people.member,
    )
    assert message.recipients == 2
    run_jobs()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"personne1@example.net", "personne2@example.net"}
    # Only the person with a seat gets the connection link.
    assert "https://visio.example.org/salle" in by_address["personne1@example.net"].body
    assert "https://visio.example.org/salle" not in by_address["personne2@example.net"].body


def test_registrations_are_deleted_after_the_retention_delay(settings):
    settings.EVENT_REGISTRATION_RETENTION_DAYS = 30
    event = new_event()
    sign_up(event, 1)
    assert purge_registrations(now=event.ends_at + timedelta(days=20)) == 0
    assert purge_registrations(now=event.ends_at + timedelta(days=31)) == 1
    assert not Registration.objects.exists()
