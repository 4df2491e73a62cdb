"""Uploaded media on S3-compatible object storage (django-storages), against a local
S3-compatible server (moto in server mode): the settings built from the environment, an
image stored in the bucket and served from it, signed or through a public address."""

import html
import json
import re
import subprocess
import sys

import httpx
import pytest
from django.core.files.storage import default_storage

from config.server import REPO_DIR
from pepites.initiatives.images import add_initiative_image
from pepites.initiatives.models import InitiativeStatus
from tests.deploy.test_backups import jpeg
from tests.initiatives.helpers import new_initiative


def settings_in_a_process(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        "s = settings.STORAGES['default']; o = dict(s.get('OPTIONS', {}));"
        "c = o.pop('client_config', None);"
        "o['config'] = c and [c.s3, c.connect_timeout, c.read_timeout, c.signature_version];"
        "print(json.dumps([s['BACKEND'], o]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_DIR,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_settings_build_the_s3_storage_from_the_environment(s3_server, tmp_path):
    env = s3_server.environment("mon-compartiment")
    env.update(PEPITES_VAR_DIR=str(tmp_path), S3_CUSTOM_DOMAIN="medias.example", S3_TIMEOUT="7")
    done = settings_in_a_process(env)
    assert done.returncode == 0, done.stderr
    backend, options = json.loads(done.stdout)
    assert backend == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "mon-compartiment"
    assert options["endpoint_url"] == s3_server.endpoint
    assert options["custom_domain"] == "medias.example"
    assert options["querystring_auth"] is True and options["file_overwrite"] is False
    assert options["config"] == [{"addressing_style": "path"}, 7, 7, "s3v4"]


def test_s3_storage_without_a_bucket_is_refused_in_french(tmp_path):
    done = settings_in_a_process(
        {"PEPITES_VAR_DIR": str(tmp_path), "MEDIA_STORAGE": "storages.backends.s3.S3Storage"}
    )
    assert done.returncode != 0
    assert "indiquez son compartiment (S3_BUCKET_NAME)" in done.stderr


def image_urls(page: str) -> list[str]:
    return [html.unescape(url) for url in re.findall(r'<img src="([^"]+)"', page)]


@pytest.mark.django_db
def test_an_image_goes_to_the_bucket_and_is_served_from_it(client, people, s3_media, media_root):
    initiative = new_initiative(status=InitiativeStatus.PUBLISHED)
    image = add_initiative_image(
        initiative=initiative, alt_text="La devanture", upload=jpeg((9, 9, 9))
    )
    assert not any(media_root.rglob("*"))  # nothing on this machine's disk
    _, files = default_storage.listdir(f"initiatives/{initiative.uid}")
    assert len(files) == 3
    with default_storage.open(image.large.name, "rb") as stream:
        stored = stream.read()
    page = client.get(f"/initiatives/{initiative.slug}/").content.decode()
    url = image_urls(page)[0]
    assert "X-Amz-Signature=" in url  # a private bucket: a signed, expiring link
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 200 and answer.content == stored


@pytest.mark.django_db
def test_a_public_address_gives_plain_links(settings, client, people, s3_media):
    options = settings.STORAGES["default"]["OPTIONS"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "custom_domain": "medias.example", "querystring_auth": False},
        },
    }
    initiative = new_initiative(status=InitiativeStatus.PUBLISHED)
    image = add_initiative_image(
        initiative=initiative, alt_text="La devanture", upload=jpeg((1, 2, 3))
    )
    page = client.get(f"/initiatives/{initiative.slug}/").content.decode()
    assert f"https://medias.example/{image.large.name}" in image_urls(page)


@pytest.mark.django_db
def test_two_uploads_with_the_same_name_never_replace_each_other(people, s3_media):
    initiative = new_initiative()
    first = add_initiative_image(initiative=initiative, alt_text="Une", upload=jpeg((200, 0, 0)))
    second = add_initiative_image(initiative=initiative, alt_text="Deux", upload=jpeg((0, 0, 200)))
    assert first.large.name != second.large.name
    with default_storage.open(first.large.name) as a, default_storage.open(second.large.name) as b:
        assert a.read() != b.read()
