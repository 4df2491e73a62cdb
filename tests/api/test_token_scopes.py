"""API tokens have a scope (read / read and write) chosen on creation, and show their last
use; read-only tokens are refused on every write, existing tokens keep writing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pepites.accounts.models import ApiToken, TokenScope
from pepites.accounts.tokens import TOUCH_EVERY, create_token
from pepites.audit.models import Action, AuditEntry
from pepites.initiatives.models import Initiative
from tests.api.test_api import CREATION, assert_error, bearer

READ_ONLY = "Ce jeton ne permet que la lecture"


def post(client, token: str, payload=CREATION, **extra):
    return client.post(
        "/api/v1/initiatives", payload, content_type="application/json", **bearer(token), **extra
    )


def patch(client, token: str, uid: str, payload: dict):
    return client.patch(
        f"/api/v1/initiatives/{uid}", payload, content_type="application/json", **bearer(token)
    )


def test_a_read_only_token_reads_but_cannot_write(client, people):
    reader = create_token(user=people.member, name="tableau de bord").raw
    assert ApiToken.objects.get().scope == TokenScope.READ  # the least privilege by default
    assert client.get("/api/v1/initiatives", **bearer(reader)).status_code == 200
    error = assert_error(post(client, reader), 403, "forbidden")
    assert error["message"].startswith(READ_ONLY) and "« lecture et écriture »" in error["message"]
    assert not Initiative.objects.exists()
    # Refused before the body is even read: a read-only token learns nothing by writing.
    assert_error(post(client, reader, payload={}), 403, "forbidden")
    writer = create_token(user=people.member, name="site", scope="write").raw
    uid = post(client, writer).json()["uid"]
    version = Initiative.objects.get(uid=uid).version
    error = assert_error(
        patch(client, reader, uid, {"version": version, "title": "Autre"}), 403, "forbidden"
    )
    assert error["message"].startswith(READ_ONLY)
    assert Initiative.objects.get(uid=uid).title == CREATION["title"]


def test_a_write_token_creates_and_updates(client, people):
    writer = create_token(user=people.member, name="site", scope=TokenScope.WRITE).raw
    response = post(client, writer)
    assert response.status_code == 201, response.content
    uid = response.json()["uid"]
    version = Initiative.objects.get(uid=uid).version
    response = patch(client, writer, uid, {"version": version, "title": "Laverie du quartier"})
    assert response.status_code == 200, response.content
    assert Initiative.objects.get(uid=uid).title == "Laverie du quartier"


def test_an_unknown_scope_is_refused_in_french(people):
    with pytest.raises(Exception) as caught:
        create_token(user=people.member, name="site", scope="admin")
    assert caught.value.message_dict["scope"] == [
        "Choisissez « lecture » ou « lecture et écriture »."
    ]
    assert not ApiToken.objects.exists()


def test_last_use_is_recorded_at_most_once_a_minute(client, people):
    raw = create_token(user=people.member, name="site", scope="write").raw
    token = ApiToken.objects.get()
    assert token.last_used_at is None and token.last_used_ip is None
    post(client, raw, payload={}, REMOTE_ADDR="203.0.113.7")  # even a refused body is a use
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and token.last_used_ip == "203.0.113.7"
    # Used again within the minute: no write at all, neither the date nor the address.
    post(client, raw, payload={}, REMOTE_ADDR="198.51.100.2")
    token.refresh_from_db()
    assert (token.last_used_at, token.last_used_ip) == (first, "203.0.113.7")
    # Over a minute later: written again.
    earlier = timezone.now() - TOUCH_EVERY - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    post(client, raw, payload={}, REMOTE_ADDR="198.51.100.2")
    token.refresh_from_db()
    assert token.last_used_at > first and token.last_used_ip == "198.51.100.2"


def test_a_read_with_a_token_records_its_use(client, people):
    raw = create_token(user=people.member, name="tableau de bord").raw
    response = client.get("/api/v1/themes", **bearer(raw), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None and token.last_used_ip == "203.0.113.9"
    # Reading stays open: a wrong or revoked token on a read is ignored, not refused.
    assert client.get("/api/v1/themes", **bearer("pep_faux")).status_code == 200


def test_the_write_skipped_within_the_minute_is_a_saved_query(
    client, people, django_assert_num_queries
):
    raw = create_token(user=people.member, name="site", scope="write").raw
    post(client, raw, payload={})  # first use: written
    with django_assert_num_queries(1):  # the token's lookup only, no UPDATE
        assert_error(post(client, raw, payload={}), 422, "invalid_request")


def test_the_tokens_page_chooses_the_scope_and_shows_the_last_use(client, people):
    client.force_login(people.member)
    page = client.get("/espace/api/").content.decode()
    assert 'name="scope" value="read"' in page and "lecture et écriture" in page
    response = client.post("/espace/api/", {"name": "Synchronisation", "scope": "write"})
    raw = response.context["new_token"].raw
    assert ApiToken.objects.get().scope == TokenScope.WRITE
    entry = AuditEntry.objects.get(action=Action.TOKEN_CREATE)
    assert entry.details == {"prefixe": raw[:10], "droits": "write"}
    client.post("/espace/api/", {"name": "Tableau", "scope": "read"})
    page = client.get("/espace/api/").content.decode()
    assert page.count("jamais utilisé") == 2
    assert ">Lecture et écriture</span>" in page and ">Lecture</span>" in page
    post(client, raw, payload={}, REMOTE_ADDR="203.0.113.7")
    page = client.get("/espace/api/").content.decode()
    assert page.count("jamais utilisé") == 1
    assert "dernière utilisation le" in page and "depuis 203.0.113.7" in page
    # A scope that is not offered is refused, in French, on its field.
    response = client.post("/espace/api/", {"name": "Autre", "scope": "admin"})
    assert "Choisissez « lecture » ou « lecture et écriture »." in response.content.decode()
    assert ApiToken.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_are_migrated_to_read_and_write():
    executor = MigrationExecutor(connection)
    before, after = (
        [("accounts", "0001_api_token_from_api")],
        [("accounts", "0002_api_token_scope_and_last_address")],
    )
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    user = old_apps.get_model("auth", "User").objects.create(username="ancien")
    old_apps.get_model("accounts", "ApiToken").objects.create(
        user=user, name="ancien", prefix="pep_abcdef", token_hash="a" * 64
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    old = new_apps.get_model("accounts", "ApiToken").objects.get(name="ancien")
    assert old.scope == "write" and old.last_used_ip is None
    new = new_apps.get_model("accounts", "ApiToken").objects.create(
        user_id=user.pk, name="nouveau", prefix="pep_123456", token_hash="b" * 64
    )
    assert new.scope == "read"
