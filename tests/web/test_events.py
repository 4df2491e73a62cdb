"""The agenda's public pages: lists with filters, an event's page, the registration form
(its spam protections), a registration's page (confirm, online link, cancel), the next
events on the home page and on a centre's page."""

import pytest
from django.core import mail
from django.urls import reverse

from pepites.events.models import Registration, RegistrationStatus
from tests.contrib_helpers import old_token
from tests.events.helpers import local_in, new_event

pytestmark = pytest.mark.django_db

LINK = "https://visio.example.org/salle-privee"


def form(**overrides):
    data = {
        "name": "Awa Diallo",
        "email": "awa@example.net",
        "organisation": '=HYPERLINK("http://x")',
        "consent": "on",
        "homepage": "",
        "form_token": old_token(),
    }
    data.update(overrides)
    return data


def test_lists_upcoming_and_past_with_filters(client, reference_data, people):
    webinar = new_event(title="Webinaire à venir", kind="webinaire", theme_slugs=["ess"])
    webinar.centres.set([people.pb])
    new_event(title="Visite à venir", kind="visite", commune_code="69123")
    new_event(
        title="Rencontre passée",
        starts_local=local_in(-20),
        ends_local=local_in(-20, hour=17),
    )
    new_event(title="Brouillon", status="brouillon")
    upcoming = client.get(reverse("events:upcoming")).content.decode()
    assert "Webinaire à venir" in upcoming and "Visite à venir" in upcoming
    assert "Rencontre passée" not in upcoming and "Brouillon" not in upcoming
    assert "Rencontre passée" in client.get(reverse("events:past")).content.decode()

    def titles(**query):
        html = client.get(reverse("events:upcoming"), query).content.decode()
        return [t for t in ("Webinaire à venir", "Visite à venir") if t in html]

    assert titles(type="visite") == ["Visite à venir"]
    assert titles(thematique="ess") == ["Webinaire à venir"]
    assert titles(centre="profession-banlieue") == ["Webinaire à venir"]
    assert titles(region="84") == ["Visite à venir"]  # Lyon: Auvergne-Rhône-Alpes
    # A stale value is said and ignored, never an error page.
    response = client.get(reverse("events:upcoming"), {"type": "bal-masque"})
    assert response.status_code == 200 and "Ce filtre est ignoré" in response.content.decode()
    assert (
        "/agenda/flux/centres/profession-banlieue.ics"
        in client.get(
            reverse("events:upcoming"), {"centre": "profession-banlieue"}
        ).content.decode()
    )


def test_a_draft_is_seen_by_its_organisers_only(client, people):
    draft = new_event(status="brouillon")
    draft.centres.set([people.pb])
    url = reverse("events:detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    client.force_login(people.other_member)
    assert client.get(url).status_code == 404
    client.force_login(people.member)
    assert client.get(url).status_code == 200


def test_register_confirm_see_the_link_and_cancel(client, reference_data, run_jobs):
    event = new_event(capacity=1, is_online=True, online_url=LINK, commune_code="")
    page = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "M'inscrire" in page and LINK not in page
    response = client.post(reverse("events:register", args=[event.slug]), form())
    assert response.status_code == 302
    assert "awa@example.net" in client.get(response["Location"]).content.decode()
    registration = Registration.objects.get()
    run_jobs()
    [message] = mail.outbox
    assert f"/agenda/inscription/{registration.token}/" in message.body and LINK not in message.body
    manage = reverse("events:registration", args=[registration.token])
    # Opening the link (a mail scanner does) does not confirm, nor show the link.
    shown = client.get(manage).content.decode()
    assert "Je confirme mon inscription" in shown and LINK not in shown
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    confirmed = client.post(manage).content.decode()
    assert "Inscription confirmée" in confirmed and LINK in confirmed
    run_jobs()
    assert LINK in mail.outbox[-1].body
    # The event is full: the next person waits, and sees no link.
    client.post(reverse("events:register", args=[event.slug]), form(email="bob@example.net"))
    bob = Registration.objects.get(email="bob@example.net")
    waiting = client.post(reverse("events:registration", args=[bob.token])).content.decode()
    assert "liste d'attente, en position 1" in waiting and LINK not in waiting
    # Awa cancels: Bob gets the seat and the link.
    cancel = reverse("events:registration_cancel", args=[registration.token])
    assert "J'annule mon inscription" in client.get(cancel).content.decode()
    assert client.post(cancel).status_code == 302
    bob.refresh_from_db()
    assert bob.status == RegistrationStatus.CONFIRMED
    assert LINK in client.get(reverse("events:registration", args=[bob.token])).content.decode()
    assert client.get(reverse("events:registration", args=["faux"])).status_code == 404


def test_the_form_has_the_proposal_forms_protections(client, reference_data, settings):
    event = new_event()
    url = reverse("events:register", args=[event.slug])
    assert client.post(url, form(homepage="http://spam.example")).status_code == 400
    settings.PROPOSAL_MIN_FILL_SECONDS = 4
    from pepites.web.contributions.forms import form_token

    too_fast = client.post(url, form(form_token=form_token()))
    assert too_fast.status_code == 400 and "très peu de temps" in too_fast.content.decode()
    missing = client.post(url, form(email="pas-une-adresse", consent=""))
    html = missing.content.decode()
    assert missing.status_code == 400
    assert "Saisissez une adresse électronique valide" in html
    assert "Cochez cette case pour que nous puissions vous inscrire." in html
    settings.EVENT_REGISTRATIONS_PER_HOUR = 1
    assert client.post(url, form(email="a@example.net")).status_code == 302
    assert client.post(url, form(email="b@example.net")).status_code == 429
    assert Registration.objects.count() == 1


def test_past_event_shows_its_replay_and_report_and_no_form(client, reference_data):
    from pepites.events.services import add_attachment

    event = new_event(starts_local=local_in(-3), ends_local=local_in(-3, hour=17))
    add_attachment(event=event, kind="replay", title="La vidéo", url="https://video.example.org/1")
    add_attachment(event=event, kind="compte_rendu", title="Synthèse", resource_id=42)
    page = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "https://video.example.org/1" in page and "Synthèse" in page
    assert "M'inscrire" not in page
    assert client.post(reverse("events:register", args=[event.slug]), form()).status_code == 400


def test_external_registration_link(client, reference_data):
    event = new_event(
        registration_mode="externe", registration_url="https://inscription.example.org"
    )
    page = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert 'href="https://inscription.example.org"' in page and "M'inscrire" not in page


def test_home_and_centre_pages_show_the_next_events(client, reference_data, people):
    soon = new_event(title="Bientôt à Saint-Denis", starts_local=local_in(2))
    soon.centres.set([people.pb])
    new_event(title="Ailleurs", starts_local=local_in(4), commune_code="69123")
    new_event(title="Hier", starts_local=local_in(-1), ends_local=local_in(-1, hour=18))
    home = client.get(reverse("home")).content.decode()
    assert "Les prochains événements du réseau" in home
    assert "Bientôt à Saint-Denis" in home and "Ailleurs" in home and "Hier" not in home
    centre = client.get(reverse("centre_detail", args=["profession-banlieue"])).content.decode()
    assert "Bientôt à Saint-Denis" in centre and "Ailleurs" not in centre
    assert "/agenda/?centre=profession-banlieue" in centre


def test_list_query_count_does_not_grow_with_the_events(
    client, reference_data, django_assert_max_num_queries
):
    for n in range(15):
        new_event(title=f"Événement {n}", starts_local=local_in(2 + n), theme_slugs=["ess"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:upcoming"))
    assert response.content.decode().count("event-card__title") == 15


def test_the_event_page_carries_schema_org_event_data(client, reference_data):
    import json
    import re

    event = new_event(
        commune_code="97411",
        is_online=True,
        online_url=LINK,
        starts_local=local_in(30),
        ends_local=local_in(30, hour=12),
    )
    html = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["@type"] == "Event" and data["name"] == event.title
    assert data["startDate"].endswith("+04:00")  # La Réunion's offset
    assert data["location"]["address"]["addressLocality"] == "Saint-Denis"
    assert LINK not in block


def test_the_one_search_box_finds_events_in_their_own_group(client, reference_data):
    event = new_event(
        title="Visite apprenante d'une conciergerie solidaire",
        kind="visite",
        commune_code="97411",
    )
    new_event(title="Conciergerie en brouillon", status="brouillon")
    response = client.get(reverse("search_box"), {"q": "conciergerie"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="groupe-event"' in html and f"/agenda/{event.slug}/" in html
    assert "heure de La Réunion" in html and "Conciergerie en brouillon" not in html
    only = client.get(reverse("search_box"), {"q": "conciergerie", "type": "event"})
    assert f"/agenda/{event.slug}/" in only.content.decode()
