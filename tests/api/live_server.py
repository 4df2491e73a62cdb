"""A real server for the tests that need one (Schemathesis): the application server started
as `make serve` does (config/server.py), on a throwaway SQLite database holding a
sample of the reference data, sample QPV and the demonstration initiatives.

    python -m tests.api.live_server   # the data step, run in the throwaway environment
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import free_port
from config import server

REPO_DIR = Path(__file__).resolve().parents[2]


def environment(folder: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PEPITES_VAR_DIR", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{folder / 'live.sqlite3'}",
        PEPITES_VAR_DIR=str(folder),
        STATIC_MANIFEST="false",
        SITE_URL=f"http://127.0.0.1:{port}",
        PEPITES_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        PEPITES_THREADS="4",
        # Nothing leaves the machine: the geocoder's address answers at once, refused.
        GEOCODER_URL="http://127.0.0.1:9",
        GEOCODER_RETRIES="0",
        PYTHONDONTWRITEBYTECODE="1",
        SECRET_KEY="live-server-tests-only-" + "k" * 40,
        LOG_LEVEL="ERROR",  # the 4xx answers are expected; a server error is logged
    )
    return env


def load_data() -> None:
    """Migrate; sample COG (with the demonstration's communes), centres, themes; sample QPV;
    the demonstration initiatives."""
    import django

    django.setup()
    import json

    from django.core.management import call_command

    from pepites.initiatives.demo import DEMO_FILE, load_demo
    from pepites.initiatives.placement.services import import_qpv
    from pepites.initiatives.services import load_default_themes
    from pepites.network.centres_csv import read_centres
    from pepites.network.services import import_centres
    from pepites.territories.cog import CogData
    from pepites.territories.qpv_files import read_qpv_file
    from pepites.territories.services import import_cog
    from tests.conftest import SAMPLE_COMMUNES, full_cog
    from tests.territories.qpv_samples import write_geojson

    call_command("migrate", interactive=False, verbosity=0)
    wanted = set(SAMPLE_COMMUNES)
    wanted |= {entry["commune_code"] for entry in json.loads(DEMO_FILE.read_text())}
    data = full_cog()
    import_cog(
        data=CogData(
            version=data.version,
            regions=data.regions,
            departements=data.departements,
            communes=[c for c in data.communes if c.code in wanted or c.parent in wanted],
        )
    )
    import_centres(rows=read_centres())
    load_default_themes()
    folder = Path(os.environ["PEPITES_VAR_DIR"])
    import_qpv(data=read_qpv_file(write_geojson(folder / "qpv.geojson")))
    load_demo()
    # A national-team account's token, so that the writes are exercised too.
    from django.contrib.auth.models import Group, User

    from pepites.accounts.tokens import create_token
    from pepites.core.roles import NATIONAL_TEAM_GROUP

    user = User.objects.create_user("api-fuzz", "api-fuzz@example.org")
    user.groups.add(Group.objects.get_or_create(name=NATIONAL_TEAM_GROUP)[0])
    (folder / "token.txt").write_text(
        create_token(user=user, name="schemathesis", scope="write").raw
    )


@contextmanager
def live_server(folder: Path) -> Iterator[str]:
    port = free_port()
    env = environment(folder, port)
    prepared = subprocess.run(
        [sys.executable, "-m", "tests.api.live_server"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if prepared.returncode:
        raise RuntimeError(f"data preparation failed:\n{prepared.stdout}\n{prepared.stderr}")
    with server.running(env, folder / "server.log") as base_url:
        yield base_url


if __name__ == "__main__":
    load_data()
