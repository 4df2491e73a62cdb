"""Restore of an archive written by `pepites.core.backups`: checked in full first (checksum
of the archive, of its manifest and of every file), then the database is replaced and the
media storage made identical to the archive's, and the row counts compared with the
manifest's. Any doubt stops the restore before anything is touched."""

from __future__ import annotations

import hashlib
import json
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from pepites.core.backups import (
    FORMAT,
    MANIFEST,
    MANIFEST_CHECKSUM,
    BackupError,
    RestoreResult,
    _load_database,
    _media_names,
    _safe_member,
    _sha256_file,
    _vendor,
    row_counts,
)

VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _check_sidecar(archive: Path) -> None:
    """The `.sha256` file written beside the archive, when it is there (copies may lack it)."""
    sidecar = archive.with_name(archive.name + ".sha256")
    if not sidecar.exists():
        return
    expected = sidecar.read_text().split()[0] if sidecar.read_text().split() else ""
    if _sha256_file(archive) != expected:
        raise BackupError(
            f"L'empreinte de l'archive ne correspond pas à celle de {sidecar.name} : l'archive "
            "est incomplète ou a été modifiée. Restauration refusée."
        )


def _read_manifest(folder: Path) -> dict[str, Any]:
    body_path, checksum_path = folder / MANIFEST, folder / MANIFEST_CHECKSUM
    if not body_path.is_file() or not checksum_path.is_file():
        raise BackupError(
            "Cette archive n'a pas de manifeste : ce n'est pas une sauvegarde de Pépites."
        )
    body = body_path.read_bytes()
    if hashlib.sha256(body).hexdigest() != checksum_path.read_text().strip():
        raise BackupError("Le manifeste de l'archive a été modifié : restauration refusée.")
    try:
        manifest = json.loads(body)
        files = manifest["files"]
        vendor = manifest["database"]["vendor"]
        database = manifest["database"]["file"]
        counts, migrations = manifest["counts"], manifest["migrations"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"Le manifeste de l'archive est illisible ({exc}).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Format d'archive {manifest.get('format')!r} inconnu de cette version de Pépites "
            f"(format attendu : {FORMAT})."
        )
    if not isinstance(counts, dict) or not isinstance(migrations, dict) or not files:
        raise BackupError("Le manifeste de l'archive est incomplet.")
    if vendor not in VENDOR_NAMES or database not in {entry.get("path") for entry in files}:
        raise BackupError("Le manifeste ne désigne pas la base de données de l'archive.")
    return manifest


def _check_files(folder: Path, manifest: dict[str, Any]) -> None:
    listed = {entry["path"] for entry in manifest["files"]}
    present = {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.name not in {MANIFEST, MANIFEST_CHECKSUM}
    }
    if missing := sorted(listed - present):
        raise BackupError(f"Fichier(s) absent(s) de l'archive : {', '.join(missing[:5])}.")
    if extra := sorted(present - listed):
        raise BackupError(
            f"Fichier(s) de l'archive absent(s) du manifeste : {', '.join(extra[:5])}."
        )
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if path.stat().st_size != entry["size"] or _sha256_file(path) != entry["sha256"]:
            raise BackupError(
                f"L'empreinte de {entry['path']} ne correspond pas au manifeste : l'archive est "
                "endommagée. Restauration refusée."
            )


def _check_compatible(manifest: dict[str, Any]) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != _vendor():
        raise BackupError(
            f"Cette archive vient d'une base {VENDOR_NAMES[vendor]} ; la base configurée "
            f"(DATABASE_URL) est {VENDOR_NAMES.get(_vendor(), _vendor())}. Restaurez dans une "
            "base du même type."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            "Cette archive vient d'une version plus récente de Pépites (migrations inconnues : "
            f"{', '.join(unknown[:5])}). Installez cette version avant de restaurer."
        )


@contextmanager
def checked_archive(archive: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Unpack the archive into a temporary folder and check everything; yield the folder and
    the manifest. Nothing outside the temporary folder is written."""
    if not archive.is_file():
        raise BackupError(f"Archive introuvable : {archive}.")
    _check_sidecar(archive)
    with tempfile.TemporaryDirectory(prefix="pepites-restauration-") as work:
        folder = Path(work)
        try:
            with tarfile.open(archive, "r:*") as tar:
                members = tar.getmembers()
                for member in members:
                    if not (member.isfile() or member.isdir()) or not _safe_member(member.name):
                        raise BackupError(f"Élément refusé dans l'archive : {member.name!r}.")
                tar.extractall(folder, members=members, filter="data")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"L'archive est illisible ou tronquée ({exc}).") from exc
        manifest = _read_manifest(folder)
        _check_files(folder, manifest)
        yield folder, manifest


def verify_archive(archive: Path) -> dict[str, Any]:
    """Check an archive without restoring it (the drill's first step); return its manifest."""
    with checked_archive(archive) as (_, manifest):
        _check_compatible(manifest)
        return manifest


def _restore_media(folder: Path, manifest: dict[str, Any]) -> tuple[int, int]:
    storage = default_storage
    wanted = {
        entry["path"].removeprefix("media/")
        for entry in manifest["files"]
        if entry["path"].startswith("media/")
    }
    removed = 0
    for name in list(_media_names(storage)):
        if name not in wanted:
            storage.delete(name)
            removed += 1
    for name in sorted(wanted):
        if storage.exists(name):
            storage.delete(name)
        with (folder / "media" / name).open("rb") as stream:
            saved = storage.save(name, File(stream, name=name))
        if saved != name:
            raise BackupError(f"Le stockage des médias a renommé {name} en {saved}.")
    return len(wanted), removed


def restore_backup(archive: Path) -> RestoreResult:
    """Replace the database and the media with the archive's content. The application
    servers and workers must be stopped meanwhile (docs/exploitation.md)."""
    with checked_archive(archive) as (folder, manifest):
        _check_compatible(manifest)
        _load_database(folder / manifest["database"]["file"])
        restored, removed = _restore_media(folder, manifest)
    connection.close()
    counts = row_counts()
    differences = sorted(
        f"{label} ({counts.get(label, 0)} au lieu de {number})"
        for label, number in manifest["counts"].items()
        if counts.get(label, 0) != number
    )
    if differences:
        raise BackupError(
            "La base restaurée ne compte pas les lignes du manifeste : "
            + ", ".join(differences[:5])
        )
    return RestoreResult(manifest=manifest, media_files=restored, media_removed=removed)
