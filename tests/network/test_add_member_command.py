"""`pepites add_member`: the README's recipe for a centre member and a national-team account."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from pepites.core.roles import is_national_team
from pepites.network.models import Centre
from pepites.network.roles import is_centre_manager, is_centre_member

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("add_member", *args, stdout=out)
    return out.getvalue()


def test_a_new_member_then_a_manager_then_the_national_team(reference_data):
    pb = Centre.objects.get(slug="profession-banlieue")
    out = run("Lea@Example.ORG", "--centre", "profession-banlieue")
    assert "Compte créé : Lea@example.org — membre du centre profession-banlieue." in out
    assert "pepites changepassword Lea@example.org" in out
    user = User.objects.get(email="Lea@example.org")
    assert not user.has_usable_password()
    assert is_centre_member(user, pb) and not is_centre_manager(user, pb)

    out = run("lea@example.org", "--centre", "profession-banlieue", "--role", "responsable")
    assert out.startswith("Compte existant")
    user = User.objects.get(pk=user.pk)
    assert is_centre_manager(user, pb)
    assert User.objects.count() == 1

    run("lea@example.org", "--national-team")
    user = User.objects.get(pk=user.pk)
    assert is_national_team(user) and user.is_staff


def test_mistakes_are_told_in_french(reference_data):
    with pytest.raises(CommandError, match="adresse électronique valide"):
        run("pas-une-adresse", "--centre", "profession-banlieue")
    with pytest.raises(CommandError, match=r"Aucun centre « nulle-part »\. Centres connus : "):
        run("lea@example.org", "--centre", "nulle-part")
    with pytest.raises(CommandError, match="--national-team"):
        run("lea@example.org")
    with pytest.raises(CommandError, match="invalid choice"):
        run("lea@example.org", "--centre", "profession-banlieue", "--role", "chef")
    assert not User.objects.exists()
