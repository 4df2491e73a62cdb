"""The audit trail: each sensitive action writes exactly one entry (who, what, when, from
which address); the national team reads it, nobody edits it; old entries are purged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pepites.accounts.tokens import create_token, revoke_token
from pepites.audit.models import Action, AuditEntry
from pepites.audit.services import purge_audit_trail
from pepites.initiatives.contributions.moderation import reject_proposal
from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.services import restore_initiative_version, update_initiative
from pepites.network.memberships import add_member, remove_member
from tests.conftest import PASSWORD
from tests.contrib_helpers import propose
from tests.initiatives import import_files as files
from tests.initiatives.helpers import new_initiative

pytestmark = pytest.mark.django_db


def only_entry(**filters) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


def test_publication_unpublication_archiving_and_restore(people):
    initiative = new_initiative()
    AuditEntry.objects.all().delete()
    for status, action in (
        ("publiee", Action.PUBLISH),
        ("brouillon", Action.UNPUBLISH),
        ("archivee", Action.ARCHIVE),
    ):
        update_initiative(
            initiative=initiative,
            expected_version=initiative.version,
            status=status,
            history_user=people.member,
        )
        entry = only_entry(action=action)
        assert (entry.actor, entry.target_id) == (people.member, str(initiative.pk))
    update_initiative(
        initiative=initiative, expected_version=initiative.version, summary="Autre résumé."
    )
    assert AuditEntry.objects.count() == 3  # an ordinary edit is in the history, not here
    first = initiative.history.order_by("history_id").first()
    restore_initiative_version(
        initiative=initiative,
        history_id=first.history_id,
        user=people.national,
        expected_version=initiative.version,
    )
    assert only_entry(action=Action.RESTORE).actor == people.national
    assert AuditEntry.objects.count() == 4


def test_moderation_membership_and_tokens(people):
    proposal = propose()
    reject_proposal(proposal=proposal, user=people.manager, reason="Hors sujet.")
    assert only_entry(action=Action.PROPOSAL_REJECT).actor == people.manager
    membership = add_member(user=people.outsider, centre=people.pb, by=people.manager)
    entry = only_entry(action=Action.MEMBER_ADD, details__compte="personne")
    assert entry.actor == people.manager and entry.details["centre"] == "profession-banlieue"
    remove_member(membership=membership, by=people.manager)
    assert only_entry(action=Action.MEMBER_REMOVE).details["compte"] == "personne"
    token = create_token(user=people.member, name="site").token
    assert only_entry(action=Action.TOKEN_CREATE).target_id == str(token.pk)
    assert revoke_token(user=people.member, token_id=token.pk)
    assert not revoke_token(user=people.member, token_id=token.pk)  # already revoked
    assert only_entry(action=Action.TOKEN_REVOKE).actor == people.member


def test_logins_failures_and_lockout_with_the_address(client, people, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    login = "/compte/connexion/"
    client.post(login, {"username": "membre.pb@example.org", "password": PASSWORD})
    entry = only_entry(action=Action.LOGIN)
    assert (entry.actor, entry.ip_address) == (people.member, "127.0.0.1")
    client.post("/compte/deconnexion/")
    for _ in range(2):
        client.post(login, {"username": "membre.pb@example.org", "password": "faux"})
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED).count() == 2
    client.post(login, {"username": "membre.pb@example.org", "password": PASSWORD})
    assert only_entry(action=Action.LOCKOUT).actor_label == "membre.pb@example.org"


@pytest.mark.django_db(transaction=True)
def test_a_committed_import_is_one_entry(people):
    data = files.csv_bytes(files.table(files.GOOD_ROWS))
    options = ImportOptions(
        filename="a.csv", geocode=False, user=people.member, centre_slug="profession-banlieue"
    )
    report = run_import(data, options)
    assert report.committed, [p.text() for p in report.errors]
    entry = only_entry(action=Action.IMPORT)
    assert entry.actor == people.member and entry.details["fichier"] == "a.csv"
    run_import(data, ImportOptions(filename="a.csv", geocode=False, dry_run=True))
    assert AuditEntry.objects.filter(action=Action.IMPORT).count() == 1


def test_the_national_team_reads_the_trail_and_nobody_edits_it(client, people):
    entry = AuditEntry.objects.create(action=Action.LOGIN, actor_label="x")
    client.force_login(people.national)
    listing = client.get("/admin/audit/auditentry/?action=connexion")
    assert listing.status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    client.force_login(people.member)
    assert client.get("/admin/audit/auditentry/").status_code == 302


def test_old_entries_are_purged_after_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = AuditEntry.objects.create(action=Action.LOGIN)
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    recent = AuditEntry.objects.create(action=Action.LOGIN)
    assert purge_audit_trail() == 1
    assert list(AuditEntry.objects.all()) == [recent]


def test_deletions_in_the_admin_and_password_changes(client, people):
    first, second = new_initiative(title="Une première"), new_initiative(title="Une seconde")
    client.force_login(people.admin)
    response = client.post(
        "/admin/initiatives/initiative/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = AuditEntry.objects.filter(action=Action.DELETE)
    assert sorted(deleted.values_list("target_id", flat=True)) == sorted(
        [str(first.pk), str(second.pk)]
    )
    client.force_login(people.member)
    client.post(
        "/compte/mot-de-passe/",
        {
            "old_password": PASSWORD,
            "new_password1": "Un-nouveau-mot-de-passe-2026",
            "new_password2": "Un-nouveau-mot-de-passe-2026",
        },
    )
    assert only_entry(action=Action.PASSWORD_CHANGE).actor == people.member
