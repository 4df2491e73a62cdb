"""Outside DEBUG, the application refuses to start without an explicit SECRET_KEY (every
app server must share it); the production values of .env.production.example pass
Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": "/usr/bin:/bin",
        "PEPITES_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_wsgi_application_refuses_to_load_without_a_secret_key(tmp_path):
    done = run_python("import config.wsgi", tmp_path)
    assert done.returncode == 1
    assert "SECRET_KEY manquant" in done.stderr


@pytest.mark.parametrize("how", ["SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"])
def test_an_explicit_key_or_debug_starts(tmp_path, how):
    key_file = tmp_path / "cle"
    key_file.write_text(secrets.token_urlsafe(50))
    env = {
        "SECRET_KEY": {"SECRET_KEY": secrets.token_urlsafe(50)},
        "SECRET_KEY_FILE": {"SECRET_KEY_FILE": str(key_file)},
        "DEBUG": {"DEBUG": "true"},
    }[how]
    code = "import config.wsgi; from django.conf import settings; print(len(settings.SECRET_KEY))"
    done = run_python(code, tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) >= 50


def test_an_unreadable_key_file_is_said_in_french(tmp_path):
    done = run_python("import django; django.setup()", tmp_path, SECRET_KEY_FILE="/nulle/part")
    assert "SECRET_KEY_FILE : lecture impossible de /nulle/part" in done.stderr


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {}
    for line in (REPO / ".env.production.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def test_check_deploy_is_clean_with_the_documented_production_values(tmp_path):
    check = "from django.core.management import execute_from_command_line as run;"
    check += "run(['pepites', 'check', '--deploy', '--fail-level', 'WARNING'])"
    done = run_python(check, tmp_path, **production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout
    # The same check without them does warn: the test can fail.
    bare = run_python(check, tmp_path, SECRET_KEY=secrets.token_urlsafe(50))
    assert bare.returncode != 0
    assert "security.W004" in bare.stderr and "security.W008" in bare.stderr


def test_the_embedded_instance_passes_its_key_file_to_the_server():
    makefile = (REPO / "Makefile").read_text()
    assert (
        'SECRET_KEY_FILE="$${SECRET_KEY_FILE:-$${PEPITES_VAR_DIR:-$(CURDIR)/var}/secret_key}"'
        in (makefile)
    )
    assert os.path.exists(REPO / ".env.production.example")
