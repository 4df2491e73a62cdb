"""Subscriptions to a saved search: double opt-in, unsubscribe, weekly digest, Atom feed."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from pepites.alerts.models import SearchSubscription
from pepites.alerts.searches import normalise
from pepites.alerts.services import send_digests, subscribe
from pepites.initiatives.models import Initiative
from tests.contrib_helpers import old_token
from tests.essaimage.helpers import initiative

pytestmark = pytest.mark.django_db


def _link(pattern: str) -> str:
    body = mail.outbox[-1].body
    return re.search(pattern, body).group(0)


def test_normalised_search():
    data = QueryDict("thematique=b&thematique=a&pres=1,2&q=  épicerie  &carte=5/1/2")
    assert normalise(data) == "q=%C3%A9picerie&thematique=a&thematique=b"


def test_double_opt_in_digest_and_unsubscribe(client, reference_data, run_jobs):
    response = client.get(reverse("alerts:subscribe"), {"thematique": "commerce-proximite"})
    assert "Commerce de proximité" in response.content.decode()
    response = client.post(
        reverse("alerts:subscribe"),
        {
            "query": "thematique=commerce-proximite",
            "proposer_email": "Lecteur@Example.ORG",
            "consent": "on",
            "homepage": "",
            "form_token": old_token(),
        },
    )
    assert response.status_code == 302
    subscription = SearchSubscription.objects.get()
    assert subscription.email == "Lecteur@example.org" and not subscription.is_active
    run_jobs()
    confirm = _link(r"http\S+/alertes/confirmer/\S+/")
    # Nothing before the confirmation.
    initiative(title="Avant")
    assert send_digests() == 0
    path = confirm.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_active
    # A matching initiative and one of another theme, published after the confirmation.
    later = timezone.now() + timedelta(minutes=1)
    shop = initiative(title="Épicerie de Montreuil", commune="93048")
    other = initiative(title="Garage solidaire", commune="93048")
    other.themes.set([other.principal_theme.__class__.objects.get(slug="mobilite")])
    Initiative.objects.filter(pk=other.pk).update(
        principal_theme=other.principal_theme.__class__.objects.get(slug="mobilite")
    )
    Initiative.objects.filter(pk__in=[shop.pk, other.pk]).update(published_at=later)
    mail.outbox.clear()
    assert send_digests(now=later + timedelta(days=7)) == 1
    run_jobs()
    digest = mail.outbox[-1]
    assert "Épicerie de Montreuil" in digest.body and "Garage solidaire" not in digest.body
    assert f"/{shop.slug}/" in digest.body  # its link
    assert "List-Unsubscribe" in digest.extra_headers
    # Sent once: the next week has nothing new.
    assert send_digests(now=later + timedelta(days=14)) == 0
    unsubscribe = _link(r"http\S+/alertes/desinscrire/\S+/")
    path = unsubscribe.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 200  # one click, no CSRF token
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_one_search_query_per_distinct_search(reference_data, django_assert_max_num_queries):
    now = timezone.now()
    for n in range(30):
        subscribe(
            email=f"lecteur{n}@example.org",
            query_data=QueryDict("thematique=commerce-proximite" if n % 2 else "q="),
            ip=f"10.0.0.{n}",
        )
    SearchSubscription.objects.update(
        confirmed_at=now - timedelta(days=1), last_sent_at=now - timedelta(days=1)
    )
    initiative()
    # Per subscriber: its message queued and its cursor moved; the searches run twice.
    with django_assert_max_num_queries(10 + 5 * 30):
        assert send_digests() == 30


def test_feed_of_a_search(client, reference_data):
    initiative(title="Épicerie du Franc-Moisin")
    feed = client.get(reverse("alerts:feed"), {"thematique": "mobilite"})
    assert feed.status_code == 200 and "Franc-Moisin" not in feed.content.decode()
    feed = client.get(reverse("alerts:feed"), {"thematique": "commerce-proximite"})
    assert "Franc-Moisin" in feed.content.decode()
