"""Accounts: e-mail login, lockout after failed attempts, password reset, invitations."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.core.models import RateLimitHit
from pepites.network.memberships import invite_member
from pepites.network.models import Membership
from tests.conftest import PASSWORD

LOGIN = "/compte/connexion/"


def test_login_with_the_email_address_in_any_case(client, people):
    response = client.post(LOGIN, {"username": "MEMBRE.PB@Example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/espace/"
    assert client.get("/espace/").status_code == 200


def test_wrong_password_says_so_in_french_and_keeps_the_address(client, people):
    response = client.post(LOGIN, {"username": "membre.pb@example.org", "password": "non"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect" in html
    assert 'value="membre.pb@example.org"' in html


def test_too_many_failures_lock_the_account_even_with_the_right_password(client, people, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(LOGIN, {"username": "membre.pb@example.org", "password": "devine"})
    # Counted in the database, so every server process sees the same count.
    assert RateLimitHit.objects.filter(key__startswith="login:account:").count() == 3
    response = client.post(LOGIN, {"username": "membre.pb@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()
    # The admin's login goes through the same backend.
    response = client.post(
        "/admin/login/", {"username": "membre.pb@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    # Another account is not locked.
    assert (
        client.post(LOGIN, {"username": "nationale@example.org", "password": PASSWORD}).status_code
        == 302
    )


def test_a_successful_login_clears_the_account_failures(client, people):
    client.post(LOGIN, {"username": "membre.pb@example.org", "password": "devine"})
    client.post(LOGIN, {"username": "membre.pb@example.org", "password": PASSWORD})
    assert not RateLimitHit.objects.filter(key__startswith="login:account:").exists()


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 * 24


def test_password_reset_by_email(client, people):
    response = client.post("/compte/mot-de-passe/oubli/", {"email": "Membre.PB@example.org"})
    assert response.status_code == 302
    run_jobs()
    message = mail.outbox[-1]
    assert message.to == ["membre.pb@example.org"]
    assert "nouveau mot de passe" in message.subject
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    post_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(
        post_url, {"new_password1": "Un-nouveau-mot-42", "new_password2": "Un-nouveau-mot-42"}
    )
    assert response.status_code == 302
    assert client.login(username="membre.pb@example.org", password="Un-nouveau-mot-42")


def test_invitation_creates_the_account_and_the_membership(
    client, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite_member(
            centre=people.pb, email="Nouvelle@Example.org", invited_by=people.member
        )
    run_jobs()
    assert mail.outbox[-1].to == ["Nouvelle@example.org"]
    assert sent.url in mail.outbox[-1].body
    token = sent.url.rstrip("/").rsplit("/", 1)[1]
    assert token not in sent.invitation.token_hash  # only a hash of the token is stored
    path = f"/compte/invitation/{token}/"
    page = client.get(path)
    assert page.status_code == 200 and "Profession Banlieue" in page.content.decode()
    weak = client.post(path, {"password1": "123", "password2": "123"})
    assert weak.status_code == 200 and "trop court" in weak.content.decode()
    response = client.post(
        path,
        {
            "first_name": "Inès",
            "last_name": "B.",
            "password1": "Solide-mot-2025",
            "password2": "Solide-mot-2025",
        },
    )
    assert response.status_code == 302 and response.url == "/espace/"
    user = User.objects.get(email="Nouvelle@example.org")
    assert Membership.objects.get(user=user).centre == people.pb
    # Used once.
    assert client.get(path).status_code == 404


def test_an_existing_account_just_joins(client, people, django_capture_on_commit_callbacks):
    sent = invite_member(
        centre=people.labo, email="membre.pb@example.org", invited_by=people.national
    )
    token = sent.url.rstrip("/").rsplit("/", 1)[1]
    response = client.post(f"/compte/invitation/{token}/")
    assert response.status_code == 302
    assert set(people.member.memberships.values_list("centre__slug", flat=True)) == {
        "profession-banlieue",
        "labo-cites",
    }


def test_an_expired_invitation_is_refused(client, people):
    from django.utils import timezone

    sent = invite_member(centre=people.pb, email="tard@example.org", invited_by=people.member)
    sent.invitation.expires_at = timezone.now() - timezone.timedelta(minutes=1)
    sent.invitation.save()
    token = sent.url.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/compte/invitation/{token}/").status_code == 404


def test_logout(client, people):
    client.post(LOGIN, {"username": "membre.pb@example.org", "password": PASSWORD})
    assert client.post("/compte/deconnexion/").status_code == 302
    assert client.get("/espace/").status_code == 302


@pytest.mark.parametrize("url", ["/compte/connexion/", "/compte/mot-de-passe/oubli/"])
def test_account_pages_render(client, db, settings, url):
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID<%s>"
    response = client.get(url)
    assert response.status_code == 200 and b"INVALID<" not in response.content
