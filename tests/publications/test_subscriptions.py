import re

import pytest
from django.core import mail
from django.urls import reverse

from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.publications.models import Subscriber
from pepites.publications.services import publish_issue, unpublish_issue
from pepites.publications.subscriptions import notify_new_issue, subscribe

pytestmark = pytest.mark.django_db

# SITE_URL, or (unset) the address of the request that sent the e-mail.
LINK = re.compile(r"http://(?:127\.0\.0\.1:8000|testserver)(/publications/\S+)")


def links(message) -> list[str]:
    return LINK.findall(message.body)


def subscribe_by_form(client, email="lea@example.org", **extra):
    data = {"email": email, "consent": "on", "website": "", **extra}
    return client.post(
        reverse("publications:subscribe", kwargs={"series": "eco-des-quartiers"}), data
    )


def confirmed_subscriber(client, email):
    subscribe_by_form(client, email)
    run_jobs()
    confirm_path = links(mail.outbox[-1])[0]
    client.post(confirm_path)
    return Subscriber.objects.get(email=email)


def test_subscription_confirmation_notification_and_unsubscribe(client, issue, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    # 1. Subscribe: consent kept, a confirmation e-mail, nothing active yet.
    response = subscribe_by_form(client)
    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.content.decode()
    subscriber = Subscriber.objects.get(email="lea@example.org")
    assert "J'accepte de recevoir par courriel" in subscriber.consent_text
    assert subscriber.consented_at is not None and subscriber.confirmed_at is None
    assert mail.outbox == []  # queued, not sent inside the request
    run_jobs()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@example.org"]
    assert message.subject == "Confirmez votre abonnement à L'Éco des quartiers"
    confirm_path, unsubscribe_path = links(message)
    assert confirm_path == f"/publications/abonnement/confirmer/{subscriber.confirmation_token}/"
    assert unsubscribe_path.startswith("/publications/abonnement/desinscription/")
    assert message.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe_path}>"

    # 2. Opening the link shows a button (mail scanners do not confirm); the POST confirms.
    page = client.get(confirm_path)
    assert "Je confirme mon abonnement" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    assert "Abonnement confirmé" in client.post(confirm_path).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.is_active

    # 3. Publishing notifies the subscriber, once.
    mail.outbox.clear()
    publish_issue(issue=issue, generate_pdf=False)
    run_jobs()
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.subject == (
        "L'Éco des quartiers n° 1 : Le commerce de proximité, cœur du quartier"
    )
    assert "/publications/eco-des-quartiers/1/" in links(notice)
    assert "/publications/eco-des-quartiers/1/pdf/" in links(notice)
    assert "Commerce de proximité" in notice.body
    notice_unsubscribe = links(notice)[-1]
    assert notice_unsubscribe.startswith("/publications/abonnement/desinscription/")
    assert "List-Unsubscribe-Post" in notice.extra_headers
    unpublish_issue(issue=issue)
    publish_issue(issue=issue, generate_pdf=False)
    run_jobs()
    assert len(mail.outbox) == 1  # a republication e-mails nobody

    # 4. Unsubscribe: GET asks, POST records; no more messages.
    assert "Confirmer la désinscription" in client.get(notice_unsubscribe).content.decode()
    assert "Désinscription enregistrée" in client.post(notice_unsubscribe).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None and not subscriber.is_active
    issue.notified_at = None
    issue.save()
    assert notify_new_issue(issue=issue) == 0


def test_one_click_unsubscribe_without_csrf_cookie(issue, client):
    """Mail clients post to the List-Unsubscribe address with no session nor CSRF token."""
    from django.test import Client

    subscriber = confirmed_subscriber(client, "click@example.org")
    path = links(mail.outbox[0])[1]
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_the_form_never_tells_whether_an_address_is_subscribed(client, issue):
    confirmed_subscriber(client, "deja@example.org")
    mail.outbox.clear()
    new = subscribe_by_form(client, "nouvelle@example.org").content.decode()
    again = subscribe_by_form(client, "deja@example.org").content.decode()
    run_jobs()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')
    assert strip.sub("", new) == strip.sub("", again)
    # The active subscriber gets no new e-mail; the new address gets its confirmation.
    assert [m.to for m in mail.outbox] == [["nouvelle@example.org"]]


def test_a_pending_address_is_not_flooded_with_confirmations(series):
    subscribe(series=series, email="Lea@Example.ORG")
    subscribe(series=series, email="lea@example.org")
    run_jobs()
    assert len(mail.outbox) == 1
    assert Subscriber.objects.get().email == "Lea@example.org"


def test_honeypot_and_missing_consent(client, series):
    robot = subscribe_by_form(client, "robot@example.org", website="http://spam.example")
    assert robot.status_code == 200
    run_jobs()
    assert not Subscriber.objects.exists() and mail.outbox == []
    response = client.post(
        reverse("publications:subscribe", kwargs={"series": "eco-des-quartiers"}),
        {"email": "pas-une-adresse", "website": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Saisissez une adresse de courriel valide." in html
    assert "Cochez la case pour donner votre accord." in html
    assert not Subscriber.objects.exists()


def test_bad_links_say_so(client, series):
    assert client.get("/publications/abonnement/confirmer/inconnu/").status_code == 404
    response = client.post("/publications/abonnement/desinscription/falsifie:abc/")
    assert response.status_code == 404
    assert "plus valable" in response.content.decode()


def test_notifications_are_queued_one_per_subscriber(issue, client):
    from django_tasks_db.models import DBTaskResult

    for n in range(5):
        confirmed_subscriber(client, f"abonne{n}@example.org")
    mail.outbox.clear()
    issue.status = "publie"
    issue.save()
    assert notify_new_issue(issue=issue, batch_size=2) == 5
    assert DBTaskResult.objects.ready().count() == 5  # each retried on its own
    assert mail.outbox == []
    assert run_jobs() == 5
    assert sorted(m.to[0] for m in mail.outbox) == [f"abonne{n}@example.org" for n in range(5)]
    assert len({links(m)[-1] for m in mail.outbox}) == 5  # a personal unsubscribe link each


def test_subscription_requests_are_limited_per_connection(client, series, monkeypatch):
    from pepites.web.publications import views

    monkeypatch.setattr(views, "SUBSCRIBE_LIMIT", 2)
    for n in range(2):
        assert subscribe_by_form(client, f"a{n}@example.org").status_code == 200
    response = subscribe_by_form(client, "a3@example.org")
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    run_jobs()
    assert len(mail.outbox) == 2
