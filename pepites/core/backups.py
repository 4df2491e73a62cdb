"""Backups of a Pépites instance: the database and the uploaded media in one timestamped
archive, with a manifest (versions, row counts, a checksum per file), and their restore.

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), a consistent copy while
  the site keeps serving and writing; restored the same way into the live file.
- PostgreSQL: `pg_dump -Fc` and `pg_restore --clean --single-transaction`, the client
  programs of the machine.
- Media: every file of the default storage (file system or S3-compatible object storage),
  read and written through Django's storage API.

Why not django-dbbackup: it saves the database and the media as separate files without a
manifest binding them, and its SQLite connector replays an SQL dump instead of using the
online backup API. The archive format is ours; restoring needs only this module.

This module knows no domain app: the row counts cover every installed model.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import logging
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import connection, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_CHECKSUM = "manifest.json.sha256"
ARCHIVE_PREFIX = "pepites-sauvegarde-"
ARCHIVE_SUFFIX = ".tar.gz"
ARCHIVE_NAME = re.compile(
    re.escape(ARCHIVE_PREFIX) + r"(\d{8}T\d{6}Z)" + re.escape(ARCHIVE_SUFFIX) + "$"
)
CHUNK = 1024 * 1024
# pg_dump of a national database takes minutes, not hours: past this, something is stuck.
PG_TIMEOUT_SECONDS = 3 * 60 * 60


class BackupError(Exception):
    """A backup or a restore that cannot be done, said in French for the operator."""


@dataclass
class BackupResult:
    path: Path
    size: int
    media_files: int
    rows: int
    deleted: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    media_files: int
    media_removed: int


# --- Helpers ---------------------------------------------------------------------------------
def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _tables() -> dict[str, str]:
    """Every installed model's table (auto-created many-to-many tables included), by label."""
    return {
        model._meta.label_lower: model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def row_counts(cursor=None) -> dict[str, int]:
    """Rows of every installed model's table, read through `cursor` (default: Django's)."""
    counts = {}
    with contextlib.ExitStack() as stack:
        if cursor is None:
            cursor = stack.enter_context(connection.cursor())
        quote = connection.ops.quote_name
        for label, table in sorted(_tables().items()):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[label] = cursor.fetchone()[0]
    return counts


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _versions() -> dict[str, str]:
    try:
        pepites_version = metadata.version("pepites")
    except metadata.PackageNotFoundError:
        pepites_version = "inconnue"
    with connection.cursor() as cursor:
        if _vendor() == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        database = cursor.fetchone()[0]
    return {
        "pepites": pepites_version,
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": database,
    }


def _media_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file of the storage, depth first, in a stable order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # an empty file system storage has no folder yet
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _media_names(storage, f"{folder}/{sub}" if folder else sub)


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


# --- Database ----------------------------------------------------------------------------------
def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password goes through the environment."""
    params = connection.settings_dict
    env = dict(os.environ)
    args = ["--dbname", params["NAME"], "--no-password"]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    if sslmode := params.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _pg_program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"Le programme {name} est introuvable sur cette machine. Installez le client "
            "PostgreSQL (paquet Debian « postgresql-client »), d'une version majeure égale ou "
            "supérieure à celle du serveur, puis recommencez."
        )
    return found


def _run_pg(argv: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(
            argv, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{what} n'a pas fini en {PG_TIMEOUT_SECONDS // 3600} h.") from exc
    if done.returncode != 0:
        raise BackupError(f"{what} a échoué : {done.stderr.strip()[-2000:]}")


def _dump_database(target: Path) -> dict[str, int]:
    """Copy the database into `target`; return the row counts of that very copy."""
    if _vendor() == "postgresql":
        args, env = _pg_environment()
        # pg_dump reads the snapshot in which the rows are counted: counts and dump agree
        # although the site keeps writing.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts(cursor)
            _run_pg(
                [
                    _pg_program("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    *args,
                    "--file",
                    str(target),
                ],
                env,
                "pg_dump",
            )
        return counts
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)  # one step: a consistent snapshot, writers go on (WAL)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return row_counts(copy.cursor())
    finally:
        copy.close()
        source.close()


def _check_sqlite_file(path: Path) -> None:
    try:
        check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"La base de l'archive est illisible : {exc}.") from exc
    if result != "ok":
        raise BackupError(f"La base de l'archive est endommagée : {result}.")


def _load_database(source: Path) -> None:
    connections.close_all()
    if _vendor() == "postgresql":
        args, env = _pg_environment()
        _run_pg(
            [
                _pg_program("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *args,
                str(source),
            ],
            env,
            "pg_restore",
        )
        return
    _check_sqlite_file(source)
    archived = sqlite3.connect(source)
    live = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
    try:
        archived.backup(live)  # page by page into the live file, under its write lock
    finally:
        live.close()
        archived.close()


# --- Backup ------------------------------------------------------------------------------------
def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One backup at a time on this machine (a timer and an operator may start one together)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (folder / ".verrou").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BackupError("Une autre sauvegarde est en cours dans ce dossier.") from exc
        yield


def _add_file(archive: tarfile.TarFile, name: str, stream: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, stream)


def _add_media(archive: tarfile.TarFile, storage: Storage) -> list[dict[str, Any]]:
    entries = []
    for name in _media_names(storage):
        digest = hashlib.sha256()
        # Spooled: the size must be known before the file enters the archive (S3 streams).
        with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as copy:
            try:
                with storage.open(name, "rb") as stream:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        copy.write(chunk)
            except FileNotFoundError:  # deleted since it was listed: not part of this backup
                logger.info("Média supprimé pendant la sauvegarde, ignoré : %s", name)
                continue
            size = copy.tell()
            copy.seek(0)
            _add_file(archive, f"media/{name}", copy, size)
        entries.append({"path": f"media/{name}", "size": size, "sha256": digest.hexdigest()})
    return entries


def create_backup(*, folder: Path | None = None, now: datetime | None = None) -> BackupResult:
    """Write one archive of the database and the media into `folder` (BACKUP_DIR)."""
    folder = folder or backup_dir()
    now = now or datetime.now(UTC)
    name = f"{ARCHIVE_PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}{ARCHIVE_SUFFIX}"
    target = folder / name
    with _exclusive(folder), tempfile.TemporaryDirectory(dir=folder, prefix=".tmp-") as work:
        database = Path(work) / (
            "database.pgdump" if _vendor() == "postgresql" else "database.sqlite3"
        )
        counts = _dump_database(database)  # restore compares the restored rows with these
        partial = Path(work) / (name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(database, arcname=database.name)
            files = [
                {
                    "path": database.name,
                    "size": database.stat().st_size,
                    "sha256": _sha256_file(database),
                }
            ]
            files += _add_media(archive, default_storage)
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "database": {"vendor": _vendor(), "file": database.name},
                "versions": _versions(),
                "migrations": _applied_migrations(),
                "counts": counts,
                "files": files,
            }
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            _add_file(archive, MANIFEST, io.BytesIO(body), len(body))
            checksum = hashlib.sha256(body).hexdigest().encode()
            _add_file(archive, MANIFEST_CHECKSUM, io.BytesIO(checksum), len(checksum))
        partial.chmod(0o600)  # personal data: readable by the service's account only
        os.replace(partial, target)
        sidecar = folder / f"{name}.sha256"
        sidecar.write_text(f"{_sha256_file(target)}  {name}\n")
        sidecar.chmod(0o600)
    media = len(files) - 1
    logger.info("Sauvegarde écrite : %s (%d fichiers de médias)", target, media)
    return BackupResult(
        path=target, size=target.stat().st_size, media_files=media, rows=sum(counts.values())
    )


# --- Retention ---------------------------------------------------------------------------------
def archives(folder: Path | None = None) -> list[tuple[datetime, Path]]:
    """The archives of the folder, oldest first, with the time in their name."""
    found = []
    for path in (folder or backup_dir()).glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"):
        if match := ARCHIVE_NAME.match(path.name):
            taken = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            found.append((taken, path))
    return sorted(found)


def archives_to_keep(found: list[tuple[datetime, Path]], *, daily: int, weekly: int) -> set[Path]:
    """The newest archive of each of the last `daily` days that have one, and the newest of
    each of the last `weekly` ISO weeks that have one; the newest archive in any case."""
    keep: set[Path] = set()
    for count, period_of in (
        (daily, lambda taken: taken.date()),
        (weekly, lambda taken: taken.isocalendar()[:2]),
    ):
        newest: dict[Any, Path] = {}
        for taken, path in found:  # oldest first: the last one seen per period is the newest
            newest[period_of(taken)] = path
        if count > 0:
            keep.update(path for _, path in sorted(newest.items())[-count:])
    if found:
        keep.add(found[-1][1])
    return keep


def apply_retention(*, folder: Path | None = None) -> list[Path]:
    """Delete the archives (and their .sha256) that the retention policy does not keep."""
    found = archives(folder)
    keep = archives_to_keep(
        found, daily=settings.BACKUP_KEEP_DAILY, weekly=settings.BACKUP_KEEP_WEEKLY
    )
    deleted = []
    for _, path in found:
        if path not in keep:
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".sha256").unlink(missing_ok=True)
            deleted.append(path)
    return deleted


def run_scheduled_backup() -> BackupResult | None:
    """The periodic job: one archive, then the retention policy. Meant to run once a day;
    does nothing when BACKUP_PERIODIC is false (a systemd timer does it elsewhere)."""
    if not settings.BACKUP_PERIODIC:
        logger.info("Sauvegarde planifiée désactivée (BACKUP_PERIODIC=false)")
        return None
    result = create_backup()
    result.deleted = apply_retention(folder=result.path.parent)
    logger.info(
        "Sauvegarde planifiée : %s écrite, %d ancienne(s) supprimée(s)",
        result.path.name,
        len(result.deleted),
    )
    return result
