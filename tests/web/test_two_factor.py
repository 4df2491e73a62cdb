"""Two-factor authentication: required at login for the national team, offered to every
member, recovery codes each working once; sessions end elsewhere on a password change."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def unthrottle(device: TOTPDevice) -> None:
    """A refused code slows the next attempts down (django-otp); the test does not wait."""
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()


def sign_in(client, user):
    response = client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrol(client, user) -> list[str]:
    sign_in(client, user)
    assert client.get("/compte/double-authentification/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/compte/double-authentification/", {"code": code_of(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    client.post("/compte/deconnexion/")
    return codes


def test_the_national_team_must_enrol_then_give_a_code_at_every_login(client, people):
    sign_in(client, people.national)
    # Nothing but the set-up until it is done, the administration included.
    for path in ("/espace/", "/admin/", "/compte/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/double-authentification/?next=")
    page = client.get("/compte/double-authentification/")
    assert "obligatoire" in page.content.decode() and "<svg" in page.content.decode()
    wrong = client.post("/compte/double-authentification/", {"code": "000000"})
    assert wrong.status_code == 400 and "Code incorrect" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=people.national)
    assert device.throttling_failure_count == 1
    unthrottle(device)
    assert (
        client.post("/compte/double-authentification/", {"code": code_of(device)}).status_code
        == 200
    )
    assert client.get("/espace/").status_code == 200

    # Next login: the password alone is not enough.
    other = Client()
    sign_in(other, people.national)
    response = other.get("/espace/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/verification/")
    refused = other.post("/compte/verification/", {"code": "123456", "next": "/espace/"})
    assert refused.status_code == 400 and "Code incorrect" in refused.content.decode()
    unthrottle(device)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the same 30 s window
    device.refresh_from_db()
    ok = other.post("/compte/verification/", {"code": code_of(device), "next": "/espace/"})
    assert ok.status_code == 302 and ok["Location"] == "/espace/"
    assert other.get("/espace/").status_code == 200


def test_a_recovery_code_works_once(client, people):
    codes = enrol(client, people.national)
    first = Client()
    sign_in(first, people.national)
    assert first.post("/compte/verification/", {"code": codes[0]}).status_code == 302
    assert first.get("/espace/").status_code == 200
    second = Client()
    sign_in(second, people.national)
    again = second.post("/compte/verification/", {"code": codes[0]})
    assert again.status_code == 400
    assert second.get("/espace/").status_code == 302


def test_a_member_may_enrol_from_the_account_page_without_being_forced(client, people):
    sign_in(client, people.member)
    assert client.get("/espace/").status_code == 200  # not required for a centre member
    page = client.get("/compte/").content.decode()
    assert "Activer la double authentification" in page
    enrol(client, people.member)
    sign_in(client, people.member)
    assert client.get("/espace/")["Location"].startswith("/compte/verification/")


def test_a_password_change_ends_the_other_sessions(people):
    people.member.save()
    here, elsewhere = Client(), Client()
    sign_in(here, people.member)
    sign_in(elsewhere, people.member)
    response = here.post(
        "/compte/mot-de-passe/",
        {
            "old_password": PASSWORD,
            "new_password1": "Un-nouveau-mot-de-passe-2026",
            "new_password2": "Un-nouveau-mot-de-passe-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/compte/"
    assert here.get("/espace/").status_code == 200
    assert elsewhere.get("/espace/").status_code == 302  # back to the login page
