"""The agenda in the centres' workspace: permissions role × action, the event form (local
times, optimistic locking, history), registrations (CSV with formula protection, message
to the people registered), attachments."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from pepites.events import permissions
from pepites.events.models import Event
from tests.contrib_helpers import old_token  # noqa: F401  (same helpers as the public forms)
from tests.events.helpers import local_in, new_event, sign_up

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "outsider", "member", "manager", "other_member", "national", "admin"]
# Who may act on an event organised by Profession Banlieue.
ALLOWED = {"member", "manager", "national", "admin"}


@pytest.fixture
def event(people):
    event = new_event(capacity=5)
    event.centres.set([people.pb])
    return event


def as_role(client, people, role):
    if role != "visitor":
        client.force_login(getattr(people, role))
    return client


def event_post(event=None, **overrides):
    start = local_in(12)
    data = {
        "title": "Cycle de qualification : entreprendre dans les quartiers",
        "kind": "formation",
        "summary": "Trois demi-journées pour les chargés de mission.",
        "description": "",
        "start_date": start.date().isoformat(),
        "start_time": "09:30",
        "end_date": "",
        "end_time": "12:30",
        "time_zone": "",
        "venue": "Maison de l'emploi",
        "address": "",
        "commune": "Saint-Denis (93066)",
        "online_url": "",
        "audience": "Professionnels",
        "registration_mode": "pepites",
        "capacity": "20",
        "registration_url": "",
        "status": "publie",
        "initiatives": "",
    }
    if event is not None:
        data["expected_version"] = str(event.version)
        data["centres"] = [str(c.pk) for c in event.centres.all()]
    data.update(overrides)
    return data


ACTIONS = {
    "list": lambda e: ("get", reverse("events_workspace:index"), None),
    "edit": lambda e: ("get", reverse("events_workspace:edit", args=[e.pk]), None),
    "save": lambda e: ("post", reverse("events_workspace:edit", args=[e.pk]), event_post(e)),
    "publish": lambda e: (
        "post",
        reverse("events_workspace:status", args=[e.pk]),
        {"action": "brouillon", "expected_version": e.version},
    ),
    "history": lambda e: ("get", reverse("events_workspace:history", args=[e.pk]), None),
    "registrations": lambda e: (
        "get",
        reverse("events_workspace:registrations", args=[e.pk]),
        None,
    ),
    "export": lambda e: ("get", reverse("events_workspace:registrations_csv", args=[e.pk]), None),
    "message": lambda e: (
        "post",
        reverse("events_workspace:registrations", args=[e.pk]),
        {"audience": "confirmees", "subject": "Info", "body": "Bonjour"},
    ),
    "attach": lambda e: (
        "post",
        reverse("events_workspace:attachment_add", args=[e.pk]),
        {"kind": "replay", "title": "Vidéo", "url": "https://video.example.org"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permissions_role_by_action(client, people, event, role, action):
    as_role(client, people, role)
    method, url, data = ACTIONS[action](event)
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    if role == "visitor":
        assert response.status_code == 302 and "/compte/" in response["Location"]
    elif action == "list":
        # The list opens to anyone of the workspace, and shows only their events.
        expected = 403 if role == "outsider" else 200
        assert response.status_code == expected
        if role == "other_member":
            assert event.title not in response.content.decode()
    elif role in ALLOWED:
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 403


def test_the_rules_agree_with_the_functions(people, event):
    for role in ROLES[1:]:
        user = getattr(people, role)
        assert user.has_perm("events.change_event", event) == (role in ALLOWED)
        assert permissions.can_edit_event(user, event) == (role in ALLOWED)
    assert permissions.can_create_event(people.member, centres=[people.pb])
    assert not permissions.can_create_event(people.member, centres=[people.labo])
    assert permissions.can_create_event(people.national, centres=[])


def test_create_in_local_time_then_edit_under_optimistic_locking(client, people):
    client.force_login(people.member)
    # A member must organise it with one of their centres.
    refused = client.post(reverse("events_workspace:create"), event_post(centres=[people.labo.pk]))
    assert (
        refused.status_code == 400 and "centres dont vous êtes membre" in refused.content.decode()
    )
    response = client.post(
        reverse("events_workspace:create"),
        event_post(centres=[people.pb.pk, people.labo.pk], commune="Cayenne (97302)"),
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.time_zone == "America/Cayenne" and event.starts_at.hour == 12  # 9:30 at UTC−3
    assert set(event.centres.all()) == {people.pb, people.labo}
    edit = reverse("events_workspace:edit", args=[event.pk])
    assert 'value="09:30"' in client.get(edit).content.decode()  # shown in local time
    first = event_post(event, title="Première modification")
    second = event_post(event, title="Seconde modification")
    assert client.post(edit, first).status_code == 302
    conflict = client.post(edit, second)
    assert conflict.status_code == 409 and "a été modifiée par quelqu" in conflict.content.decode()
    event.refresh_from_db()
    assert event.title == "Première modification" and event.version == 2
    history = client.get(reverse("events_workspace:history", args=[event.pk])).content.decode()
    assert "Création" in history and "titre" in history and "membre.pb" in history


def test_the_form_says_what_is_wrong_next_to_the_field(client, people):
    client.force_login(people.member)
    response = client.post(
        reverse("events_workspace:create"),
        event_post(
            centres=[people.pb.pk],
            end_time="08:00",
            online_url="https://visio.example.org",
            registration_mode="externe",
        ),
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert "La fin doit venir après le début." in html
    assert "Indiquez l'adresse de la page d'inscription." in html
    assert "Le lien de connexion n'est donné qu'aux personnes inscrites" in html
    assert not Event.objects.exists()


def test_registrations_csv_is_protected_against_formulas(client, people, event):
    from pepites.events.registrations import register

    register(
        event=event,
        name='=HYPERLINK("http://pirate.example")',
        email="x@example.net",
        organisation="+33 1 23",
        consent=True,
        ip="192.0.2.44",
    )
    sign_up(event, 1)
    client.force_login(people.member)
    response = client.get(reverse("events_workspace:registrations_csv", args=[event.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["nom", "adresse électronique", "structure"]
    pirate = next(r for r in rows if "x@example.net" in r)
    assert pirate[0].startswith("'=") and pirate[2] == "'+33 1 23"
    from pepites.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="export_donnees_personnelles").exists()


def test_a_message_to_the_people_registered(client, people, event, run_jobs):
    sign_up(event, 1), sign_up(event, 2, confirm=False)
    run_jobs()
    mail.outbox.clear()
    client.force_login(people.manager)
    url = reverse("events_workspace:registrations", args=[event.pk])
    assert (
        client.post(url, {"audience": "confirmees", "subject": "", "body": ""}).status_code == 400
    )
    response = client.post(
        url, {"audience": "confirmees", "subject": "Plan d'accès", "body": "Entrée rue B."}
    )
    assert response.status_code == 302
    run_jobs()
    [message] = mail.outbox
    assert message.to == ["personne1@example.net"] and "Entrée rue B." in message.body
    assert "/agenda/inscription/" in message.body
    page = client.get(url).content.decode().replace("&#x27;", "'")
    assert "Plan d'accès" in page and "Personne 1" in page


def test_attachments_after_the_event(client, people, event):
    client.force_login(people.member)
    add = reverse("events_workspace:attachment_add", args=[event.pk])
    client.post(
        add, {"kind": "compte_rendu", "title": "Compte rendu", "url": "https://cr.example.org"}
    )
    client.post(add, {"kind": "ressource", "title": "Sans adresse"})  # refused, said
    assert [a.title for a in event.attachments.all()] == ["Compte rendu"]
    attachment = event.attachments.get()
    client.post(reverse("events_workspace:attachment_remove", args=[event.pk, attachment.pk]))
    assert not event.attachments.exists()
