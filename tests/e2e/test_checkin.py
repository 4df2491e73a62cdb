"""End to end, in a browser: the porteur's yearly check-in from the e-mail's private link to
the change moderated by the centre; axe on every new page (check-in, thanks, the centre's
list of check-ins, the figures page, the initiative page's figures)."""

import re
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone

from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.core.roles import NATIONAL_TEAM_GROUP
from pepites.initiatives.checkins.services import send_yearly_checkins
from pepites.initiatives.figures.models import InitiativeFigures
from pepites.initiatives.labels.services import load_default_programmes
from pepites.initiatives.models import Initiative
from pepites.network.memberships import add_member
from pepites.network.models import Centre
from tests.conftest import PASSWORD, load_sample_reference_data
from tests.e2e.conftest import axe_violations
from tests.e2e.test_contribution import log_in
from tests.initiatives.helpers import new_initiative

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(settings, fast_passwords):
    load_sample_reference_data()
    load_default_programmes()
    settings.PROPOSAL_MIN_FILL_SECONDS = 1
    member = User.objects.create_user("membre.pb", "membre.pb@example.org", PASSWORD)
    add_member(user=member, centre=Centre.objects.get(slug="profession-banlieue"))
    return new_initiative(
        status="publiee",
        contact_name="Awa Diallo",
        contact_email="awa@example.net",
        contact_consent=True,
        latitude=48.93,
        longitude=2.36,
    )


def test_a_porteur_checks_in_from_the_email_and_the_centre_accepts(
    live_server, page, browser, setup, artifacts_dir
):
    initiative = setup
    base = live_server.url
    assert send_yearly_checkins() == 1
    run_jobs()
    (message,) = [m for m in mail.outbox if m.to == ["awa@example.net"]]
    path = urlparse(re.search(r"https?://\S+/bilan/\S+/", message.body).group(0)).path

    # The porteur opens the link: no account, one page.
    page.goto(base + path)
    assert "Où en est" in page.get_by_role("heading", level=1).inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Elle continue : je propose des modifications").check()
    page.get_by_label("Résumé").fill("La boutique accueille désormais deux créatrices à la fois.")
    page.get_by_label("Personnes touchées").fill("240")
    page.get_by_label("Dont habitants des quartiers prioritaires (QPV)").fill("180")
    page.get_by_label("Emplois créés ou maintenus").fill("3")
    page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_url(base + "/bilan/merci/")
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "checkin-thanks.png"), full_page=True)
    # The link served once.
    assert page.goto(base + path).status == 410
    assert "déjà répondu" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    # The centre sees the answer, and the correction with its diff.
    context, member_page = log_in(browser, base, "membre.pb@example.org")
    member_page.goto(base + "/espace/bilans/")
    assert "Modifications proposées" in member_page.locator("main").inner_text()
    assert axe_violations(member_page) == []
    member_page.get_by_role("link", name="voir la proposition").click()
    diff = member_page.locator("table.diff").inner_text()
    assert "deux créatrices" in diff and "Personnes touchées : 240" in diff
    assert "Bilan annuel" in member_page.locator("main").inner_text()
    member_page.get_by_role("button", name="Accepter la proposition").click()
    member_page.wait_for_url(re.compile(base + r"/espace/initiatives/\d+/$"))

    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.summary == "La boutique accueille désormais deux créatrices à la fois."
    assert initiative.last_checked_at is not None  # checked by the porteur's answer
    year = timezone.localdate().year - 1
    figures = InitiativeFigures.objects.get(initiative=initiative, year=year)
    assert (figures.people_reached, figures.qpv_residents, figures.jobs) == (240, 180, 3)

    # The figures: the centre's page, and the timeline on the public page.
    member_page.get_by_role("link", name="Résultats chiffrés").click()
    assert str(year) in member_page.locator("table").inner_text()
    assert axe_violations(member_page) == []
    # Its programmes and labels, on their own page.
    member_page.goto(base + f"/espace/initiatives/{initiative.pk}/labels/")
    member_page.get_by_label("Cités de l'emploi").check()
    member_page.get_by_role("button", name="Enregistrer").click()
    assert "enregistrés" in member_page.locator(".messages").inner_text()
    assert axe_violations(member_page) == []
    context.close()
    page.goto(base + f"/initiatives/{initiative.slug}/")
    table = page.get_by_role("table", name=re.compile("Résultats chiffrés par année"))
    assert "240" in table.inner_text()
    assert "Cités de l'emploi" in page.locator(".badge-list").inner_text()

    # The national team's lists of programmes and labels.
    national = User.objects.create_user("nationale", "nationale@example.org", PASSWORD)
    national.groups.add(Group.objects.get_or_create(name=NATIONAL_TEAM_GROUP)[0])
    context, national_page = log_in(browser, base, "nationale@example.org")
    national_page.goto(base + "/espace/programmes-et-labels/")
    assert "Entrepreneuriat Quartiers 2030" in national_page.locator("main").inner_text()
    assert axe_violations(national_page) == []
    context.close()
    assert axe_violations(page) == []
