"""The deployment files of deploy/: systemd units that systemd accepts, and a production
environment file whose every variable exists and with which the settings load."""

import getpass
import os
import shutil
import subprocess
import sys

import pytest
from django.core.management import get_commands

from config.server import REPO_DIR

DEPLOY = REPO_DIR / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())


def documented() -> set[str]:
    return {
        line.split("=", 1)[0]
        for line in (REPO_DIR / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }


def production_environment() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "pepites.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze absent")
def test_systemd_accepts_the_units(tmp_path):
    """Installed as the guide says, with /srv/pepites being this checkout."""
    (tmp_path / "pepites.env").write_text("")
    names = []
    for unit in UNITS:
        text = unit.read_text().replace("/srv/pepites", str(REPO_DIR))
        text = text.replace("/etc/pepites/pepites.env", str(tmp_path / "pepites.env"))
        text = text.replace("=pepites\n", f"={getpass.getuser()}\n")
        name = unit.name.replace("@.", "@1.")
        (tmp_path / name).write_text(text)
        names.append(f"./{name}")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    assert {unit.name for unit in UNITS} >= {"pepites-web.service", "pepites-backup.timer"}


def test_the_units_run_commands_that_exist():
    commands = get_commands()
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart=") and line.split()[0].endswith("/pepites"):
                command = line.split()[1]
                if command == "worker" and command not in commands:
                    pytest.skip("pepites worker arrives with the job queue")
                assert command in commands, (unit.name, command)


def test_the_production_environment_is_documented_and_loads(tmp_path):
    env = production_environment()
    assert set(env) - documented() == set()
    env.update(
        PEPITES_VAR_DIR=str(tmp_path),
        BACKUP_DIR=str(tmp_path / "sauvegardes"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        PATH=os.environ["PATH"],
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--fail-level", "WARNING"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
