"""The initiatives' periodic jobs, run as the worker runs them: the check of public links
(against a real local HTTP server), the purge of proposers' data, the weekly reminders."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from bench.common import free_port
from pepites.core.jobs.worker import run_pending
from pepites.initiatives import tasks
from pepites.initiatives.links import broken_links
from pepites.initiatives.models import (
    Initiative,
    InitiativeLink,
    InitiativeStatus,
    LinkCheck,
    Proposal,
    ProposalStatus,
)
from tests.contrib_helpers import propose
from tests.initiatives.helpers import new_initiative

pytestmark = pytest.mark.django_db


class Site(BaseHTTPRequestHandler):
    def do_HEAD(self):
        if self.path == "/sans-head":
            self.send_response(405)
        else:
            self.send_response({"/ok": 200, "/sans-head-get": 200}.get(self.path, 404))
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path in ("/ok", "/sans-head") else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def published(people, **fields) -> Initiative:
    initiative = new_initiative(**fields)
    Initiative.objects.filter(pk=initiative.pk).update(
        status=InitiativeStatus.PUBLISHED, centre=people.pb, published_at=timezone.now()
    )
    return Initiative.objects.get(pk=initiative.pk)


def test_links_are_checked_and_the_broken_ones_shown_to_the_centre(people, site, client):
    initiative = published(people)
    dead = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    for n, path in enumerate(["/ok", "/disparue", "/sans-head"]):
        InitiativeLink.objects.create(initiative=initiative, url=site + path, position=n)
    InitiativeLink.objects.create(initiative=initiative, url=dead, position=9)
    run_pending()  # the map's build queued by the creation
    tasks.check_links.enqueue()
    assert run_pending() == 1
    assert LinkCheck.objects.count() == 4
    assert {link.url for link in broken_links(centre=people.pb)} == {site + "/disparue", dead}
    assert LinkCheck.objects.get(url=site + "/disparue").problem == "HTTP 404"
    assert LinkCheck.objects.get(url=dead).error == "ConnectError"
    # Checked recently: not again until LINK_CHECK_EVERY_DAYS.
    first = LinkCheck.objects.get(url=site + "/ok").checked_at
    tasks.check_links.enqueue()
    run_pending()
    assert LinkCheck.objects.get(url=site + "/ok").checked_at == first
    client.force_login(people.member)
    page = client.get("/espace/liens/").content.decode()
    assert "/disparue" in page and "HTTP 404" in page and "/ok<" not in page
    client.force_login(people.other_member)  # another centre's member sees none of them
    assert "Aucun lien en panne" in client.get("/espace/liens/").content.decode()


def test_proposers_data_is_erased_after_the_retention_delay(people, settings):
    from pepites.privacy.tasks import apply_retention

    settings.PROPOSAL_RETENTION_DAYS = 365
    old, recent, pending = (propose(title=f"Proposition {n}") for n in range(3))
    now = timezone.now()
    Proposal.objects.filter(pk=old.pk).update(
        status=ProposalStatus.REJECTED, decided_at=now - timedelta(days=400)
    )
    Proposal.objects.filter(pk=recent.pk).update(
        status=ProposalStatus.REJECTED, decided_at=now - timedelta(days=10)
    )
    apply_retention.enqueue()
    run_pending()
    old.refresh_from_db(), recent.refresh_from_db(), pending.refresh_from_db()
    assert (old.proposer_email, old.proposer_name, old.ip_hash) == ("", "", "")
    assert old.data["title"] == "Proposition 0"  # the proposal itself is kept
    assert recent.proposer_email == pending.proposer_email == "habitante@example.net"


def test_each_centre_gets_a_weekly_digest_of_its_initiatives_to_check(people):
    stale = published(people, title="Une épicerie jamais revue")
    published(people, title="Une fiche à jour")
    Initiative.objects.filter(pk=stale.pk).update(
        last_checked_at=timezone.now() - timedelta(days=400)
    )
    mail.outbox.clear()
    tasks.send_check_reminders.enqueue()
    run_pending()
    [digest] = mail.outbox
    assert "membre.pb@example.org" in digest.to and "membre.labo@example.org" not in digest.to
    assert "1 initiative(s) à vérifier pour Profession Banlieue" in digest.subject
    assert "Une épicerie jamais revue" in digest.body and "Une fiche à jour" not in digest.body
    assert "etat=a_verifier" in digest.body
