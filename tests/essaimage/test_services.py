"""Requests "M'en inspirer": routing, consent, rate limit, follow-up, reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from pepites.essaimage.models import RequestNote, RequestStatus
from pepites.essaimage.services import (
    RateLimited,
    add_note,
    mark_reproduced,
    send_reminders,
    set_status,
)
from pepites.initiatives.inspirations import essaimed_initiatives, reproductions_of, sources_of
from pepites.network.models import Centre
from tests.essaimage.helpers import ask, initiative

pytestmark = pytest.mark.django_db


def _recipients(messages) -> set[str]:
    return {address for message in messages for address in message.to}


def test_routed_to_referring_and_covering_centres(people, run_jobs, settings):
    reso = Centre.objects.get(slug="reso-villes")
    from django.contrib.auth.models import User

    from pepites.network.memberships import add_member

    breton = User.objects.create_user("membre.reso", "membre@resovilles.example")
    add_member(user=breton, centre=reso)
    source = initiative()
    request = ask(source)
    assert request.referring_centre == people.pb
    assert request.local_centre == reso
    run_jobs()
    to = _recipients(mail.outbox)
    assert {"membre.pb@example.org", "responsable.pb@example.org"} <= to
    assert "membre@resovilles.example" in to
    assert "gaelle@lorient.example" in to
    assert "nationale@example.org" not in to


def test_uncovered_commune_goes_to_the_national_team(people, run_jobs):
    request = ask(initiative(), commune_code="77288")  # Melun: no centre
    assert request.local_centre is None
    run_jobs()
    assert "nationale@example.org" in _recipients(mail.outbox)


def test_porteur_not_contacted_without_consent(people, run_jobs):
    # The services never store a contact without consent; older rows might hold one.
    source = initiative()
    type(source).objects.filter(pk=source.pk).update(
        contact_name="Nadia", contact_email="nadia@porteur.example", contact_consent=False
    )
    source.refresh_from_db()
    ask(source)
    run_jobs()
    assert "nadia@porteur.example" not in _recipients(mail.outbox)
    assert all("nadia@porteur.example" not in message.body for message in mail.outbox)


def test_porteur_contacted_with_consent_and_asked(people, run_jobs):
    source = initiative(
        contact_name="Nadia", contact_email="nadia@porteur.example", contact_consent=True
    )
    ask(source, needs=["visite"])  # no introduction asked: nobody writes to the porteur
    run_jobs()
    assert "nadia@porteur.example" not in _recipients(mail.outbox)
    mail.outbox.clear()
    ask(source, requester_email="autre@lorient.example")
    run_jobs()
    assert "nadia@porteur.example" in _recipients(mail.outbox)


def test_rate_limit_across_ip_and_email(people, settings):
    settings.ESSAIMAGE_REQUESTS_PER_HOUR = 2
    source = initiative()
    ask(source)
    ask(source, requester_email="deux@lorient.example")
    with pytest.raises(RateLimited):
        ask(source, requester_email="trois@lorient.example")
    assert source.inspiration_requests.count() == 2


def test_refused_without_consent_or_commune(people):
    from pepites.essaimage.services import submit_request
    from tests.essaimage.helpers import request_data

    with pytest.raises(ValidationError) as error:
        submit_request(initiative=initiative(), data=request_data(), consent=False, ip="x")
    assert "consent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask(initiative(title="Autre"), commune_code="00000")
    assert "commune" in error.value.message_dict


def test_follow_up_to_reproduction(people):
    source = initiative()
    request = ask(source, commune_code="93048")  # Montreuil: same centre on both sides
    set_status(request=request, status=RequestStatus.IN_CONTACT, user=people.member)
    add_note(request=request, user=people.member, body="Appel au porteur fait.")
    assert request.first_answer_at is not None
    with pytest.raises(ValidationError):
        set_status(request=request, status=RequestStatus.DROPPED, user=people.member)
    with pytest.raises(ValidationError):  # not one of the two centres
        add_note(request=request, user=people.other_member, body="?")
    copy = initiative(title="Épicerie solidaire de Montreuil", commune="93048")
    mark_reproduced(request=request, reproduction=copy, user=people.member)
    request.refresh_from_db()
    assert request.status == RequestStatus.REPRODUCED and request.closed_at
    assert list(reproductions_of(initiative=source)) == [copy]
    assert list(sources_of(initiative=copy)) == [source]
    assert list(essaimed_initiatives()) == [source]
    kinds = list(request.notes.values_list("kind", flat=True))
    assert kinds == [RequestNote.Kind.STATUS, RequestNote.Kind.NOTE, RequestNote.Kind.STATUS]


def test_reminders_with_controlled_time(people, run_jobs, settings):
    settings.ESSAIMAGE_REMINDER_DAYS = 7
    request = ask(initiative())
    run_jobs()
    mail.outbox.clear()
    start = request.created_at
    assert send_reminders(now=start + timedelta(days=6)) == 0
    assert send_reminders(now=start + timedelta(days=7, minutes=1)) == 1
    run_jobs()
    assert any("sans réponse depuis 7 jours" in m.subject for m in mail.outbox)
    # Not again the next day; again a week later; never once answered.
    assert send_reminders(now=start + timedelta(days=8)) == 0
    assert send_reminders(now=start + timedelta(days=14, minutes=2)) == 1
    set_status(request=request, status=RequestStatus.IN_CONTACT, user=people.member)
    assert send_reminders(now=timezone.now() + timedelta(days=60)) == 0


def test_requester_data_erased_after_retention(people, settings):
    from pepites.essaimage.models import InspirationRequest
    from pepites.privacy.retention import run_retention

    settings.ESSAIMAGE_RETENTION_DAYS = 365
    old, recent = ask(initiative()), ask(initiative(title="Autre"), requester_email="b@x.example")
    for request in (old, recent):
        set_status(request=request, status=RequestStatus.DROPPED, user=people.member, reason="Non")
    InspirationRequest.objects.filter(pk=old.pk).update(
        closed_at=timezone.now() - timedelta(days=366)
    )
    assert run_retention()["demandes_essaimage_anonymisees"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.requester_email, old.requester_name, old.project) == ("", "", "")
    assert old.status == RequestStatus.DROPPED and old.commune_id == "56121"
    assert recent.requester_email == "b@x.example"
