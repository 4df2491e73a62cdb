"""The yearly check-in: who is asked, the private link (once per purpose, expiry, forgery,
revocation), a confirmation updating last_checked_at, other answers as corrections with a
diff, the figures written on acceptance, the workspace's list and resend."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from pepites.core.jobs.worker import run_pending as run_jobs
from pepites.initiatives.checkins.links import LinkRefused, make_key, read_key
from pepites.initiatives.checkins.models import CheckinAnswer, CheckinLink, CheckinPurpose
from pepites.initiatives.checkins.services import (
    answer_checkin,
    due_initiatives,
    send_checkin,
    send_yearly_checkins,
)
from pepites.initiatives.contributions.moderation import accept_proposal
from pepites.initiatives.contributions.selectors import correction_changes
from pepites.initiatives.figures.models import FiguresSource, InitiativeFigures
from pepites.initiatives.models import Initiative, ProposalKind, ProposalStatus
from tests.initiatives.helpers import new_initiative
from tests.web.test_workspace import login

pytestmark = pytest.mark.django_db
IP = "203.0.113.7"


@pytest.fixture
def asked(reference_data):
    return new_initiative(
        status="publiee",
        contact_name="Awa Diallo",
        contact_email="awa@example.net",
        contact_consent=True,
    )


def key_from_outbox() -> str:
    run_jobs()
    (message,) = [m for m in mail.outbox if "bilan annuel" in m.subject]
    return re.search(r"/bilan/([^/\s]+)/", message.body).group(1)


def test_only_consenting_published_initiatives_not_checked_this_year_are_asked(
    asked, reference_data
):
    new_initiative(title="Sans consentement", status="publiee", contact_consent=False)
    new_initiative(title="Brouillon", contact_email="b@example.net", contact_consent=True)
    checked = new_initiative(
        title="Vérifiée", status="publiee", contact_email="v@example.net", contact_consent=True
    )
    Initiative.objects.filter(pk=checked.pk).update(last_checked_at=timezone.now())
    assert list(due_initiatives()) == [asked]
    assert send_yearly_checkins() == 1
    assert send_yearly_checkins() == 0  # asked once a year
    run_jobs()
    (message,) = mail.outbox
    assert message.to == ["awa@example.net"] and "/bilan/" in message.body
    link = CheckinLink.objects.get()
    assert len(link.secret_hash) == 64 and link.secret_hash not in message.body


def test_the_interval_is_a_setting(asked, settings):
    send_yearly_checkins()
    CheckinLink.objects.update(created_at=timezone.now() - timedelta(days=40))
    settings.CHECKIN_EVERY_DAYS = 30
    assert list(due_initiatives()) == [asked]


def test_confirmation_updates_last_checked_at_and_the_link_works_once(asked):
    send_checkin(initiative=asked)
    key = key_from_outbox()
    version = asked.version
    answer_checkin(key=key, answer=CheckinAnswer.RUNNING, ip=IP)
    asked.refresh_from_db()
    assert asked.last_checked_at is not None and asked.version == version + 1
    assert asked.history.first().history_change_reason.startswith("Bilan annuel")
    with pytest.raises(LinkRefused) as again:
        answer_checkin(key=key, answer=CheckinAnswer.STOPPED, ip=IP)
    assert again.value.status == 410 and "déjà répondu" in again.value.message
    assert not asked.proposals.exists()


def test_expired_forged_revoked_and_other_purpose_links_are_refused(asked):
    send_checkin(initiative=asked)
    key = key_from_outbox()
    link = CheckinLink.objects.get()
    pk, rest = key.split(".", 1)
    secret = rest.rsplit(":", 1)[0]
    # Forged: another secret with the right id, signed or not; a tampered signature.
    with pytest.raises(LinkRefused):
        read_key(make_key(link=link, secret="x" * 43), purpose=CheckinPurpose.YEARLY)
    with pytest.raises(LinkRefused):
        read_key(f"{pk}.{secret}", purpose=CheckinPurpose.YEARLY)
    with pytest.raises(LinkRefused):
        read_key(key[:-2] + "AA", purpose=CheckinPurpose.YEARLY)
    # Signed for another purpose: refused for this one.
    other = signing.Signer(salt="pepites.checkins.autre").sign(f"{pk}.{secret}")
    with pytest.raises(LinkRefused):
        read_key(other, purpose=CheckinPurpose.YEARLY)
    assert read_key(key, purpose=CheckinPurpose.YEARLY) == link
    CheckinLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(LinkRefused, match="expiré"):
        read_key(key, purpose=CheckinPurpose.YEARLY)
    CheckinLink.objects.update(expires_at=timezone.now() + timedelta(days=1))
    send_checkin(initiative=asked)  # a resend revokes the old link
    with pytest.raises(LinkRefused, match="remplacé"):
        read_key(key, purpose=CheckinPurpose.YEARLY)


def test_changes_and_figures_arrive_as_a_correction_with_a_diff(asked, people):
    send_checkin(initiative=asked)
    key = key_from_outbox()
    year = timezone.localdate().year - 1
    link = answer_checkin(
        key=key,
        answer=CheckinAnswer.CHANGES,
        ip=IP,
        changes={"summary": "Un nouveau résumé, plus juste.", "title": asked.title},
        figures_year=year,
        figures={"people_reached": 150, "qpv_residents": 120, "jobs": 2},
        message="Nous avons déménagé.",
    )
    proposal = link.proposal
    assert proposal.kind == ProposalKind.CORRECTION and proposal.centre == people.pb
    assert proposal.proposer_email == "awa@example.net"
    assert proposal.data["summary"] == "Un nouveau résumé, plus juste."
    assert "title" not in proposal.data  # unchanged fields are not proposed
    changes = {c.name: c for c in correction_changes(proposal=proposal)}
    assert changes["summary"].current == asked.summary
    assert "Personnes touchées : 150" in changes["figures"].proposed
    assert changes["figures"].current == ""
    assert not InitiativeFigures.objects.exists()  # nothing public before moderation
    asked.refresh_from_db()
    assert asked.last_checked_at is None
    run_jobs()
    assert any("membre.pb@example.org" in m.to for m in mail.outbox)
    accept_proposal(
        proposal=proposal,
        user=people.member,
        fields={"summary": proposal.data["summary"]},
        expected_version=asked.version,
    )
    asked.refresh_from_db()
    assert asked.summary == "Un nouveau résumé, plus juste."
    figures = InitiativeFigures.objects.get(initiative=asked, year=year)
    assert (figures.people_reached, figures.source) == (150, FiguresSource.CHECKIN)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_a_stopped_initiative_is_a_correction_of_is_running(asked):
    send_checkin(initiative=asked)
    link = answer_checkin(
        key=key_from_outbox(), answer=CheckinAnswer.STOPPED, ip=IP, message="Fin en juin."
    )
    assert link.proposal.data == {"is_running": False}
    (change,) = correction_changes(proposal=link.proposal)
    assert (change.current, change.proposed) == ("oui", "non")


def test_bad_answers_record_nothing_and_keep_the_link(asked):
    send_checkin(initiative=asked)
    key = key_from_outbox()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        answer_checkin(key=key, answer=CheckinAnswer.RUNNING, ip=IP, changes={"summary": "Autre"})
    assert "answer" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        answer_checkin(
            key=key, answer=CheckinAnswer.CHANGES, ip=IP, figures_year=1990, figures={"jobs": 1}
        )
    assert "year" in caught.value.message_dict
    with pytest.raises(ValidationError):
        answer_checkin(key=key, answer=CheckinAnswer.CHANGES, ip=IP)
    assert CheckinLink.objects.get().used_at is None
    assert not asked.proposals.exists()


def test_the_public_page_from_link_to_thanks(client, asked, settings):
    settings.PROPOSAL_MIN_FILL_SECONDS = 0
    send_checkin(initiative=asked)
    url = reverse("checkin", kwargs={"key": key_from_outbox()})
    page = client.get(url)
    assert page.status_code == 200 and "boutique à l&#x27;essai" in page.content.decode()
    assert "noindex" in page.content.decode()
    form = {
        "form_token": page.context["form"].initial["form_token"],
        "answer": "en_cours",
        "figures_year": timezone.localdate().year - 1,
    }
    form.update({name: getattr(asked, name) for name in ("title", "summary", "porteur_name")})
    response = client.post(url, form)
    assert response.status_code == 302, response.context["form"].errors and response.url == reverse(
        "checkin_thanks"
    )
    assert "vérifiée" in client.get(response.url).content.decode()
    gone = client.get(url)
    assert gone.status_code == 410 and "déjà répondu" in gone.content.decode()
    assert client.get(reverse("checkin", kwargs={"key": "1.abc:def"})).status_code == 404


def test_the_public_form_has_the_proposal_forms_protections(client, asked, settings):
    send_checkin(initiative=asked)
    url = reverse("checkin", kwargs={"key": key_from_outbox()})
    token = client.get(url).context["form"].initial["form_token"]
    year = timezone.localdate().year
    too_fast = client.post(url, {"form_token": token, "answer": "en_cours", "figures_year": year})
    assert too_fast.status_code == 400 and "très peu de temps" in too_fast.content.decode()
    settings.PROPOSAL_MIN_FILL_SECONDS = 0
    trapped = client.post(
        url, {"form_token": token, "answer": "en_cours", "figures_year": year, "homepage": "x"}
    )
    assert trapped.status_code == 400
    assert CheckinLink.objects.get().used_at is None


def test_the_centre_sees_who_answered_and_resends(client, people, asked, reference_data):
    silent = new_initiative(
        title="Silencieuse", status="publiee", contact_email="s@example.net", contact_consent=True
    )
    send_checkin(initiative=asked)
    send_checkin(initiative=silent)
    answer_checkin(key=key_from_outbox_for("awa@example.net"), answer="en_cours", ip=IP)
    login(client, people.member)
    page = client.get(reverse("workspace:checkins") + "?etat=repondu").content.decode()
    assert "boutique" in page and "Silencieuse" not in page
    page = client.get(reverse("workspace:checkins") + "?etat=sans_reponse").content.decode()
    assert "Silencieuse" in page and "boutique" not in page
    old = CheckinLink.objects.get(initiative=silent)
    client.post(reverse("workspace:checkin_resend", kwargs={"pk": silent.pk}))
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert CheckinLink.objects.filter(initiative=silent, sent_by=people.member).exists()
    login(client, people.other_member)
    response = client.post(reverse("workspace:checkin_resend", kwargs={"pk": silent.pk}))
    assert response.status_code == 403


def key_from_outbox_for(email: str) -> str:
    run_jobs()
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"/bilan/([^/\s]+)/", message.body).group(1)


def test_old_links_are_deleted_by_the_retention_job(asked):
    from pepites.privacy.retention import run_retention

    send_checkin(initiative=asked)
    assert run_retention()["liens_de_bilan_supprimes"] == 0
    CheckinLink.objects.update(created_at=timezone.now() - timedelta(days=365 + 91))
    assert run_retention()["liens_de_bilan_supprimes"] == 1
