"""The restore drill: initiatives with their history, images and accounts are backed up,
destroyed, restored, and come back identical; on SQLite and PostgreSQL, with media on the
file system and on S3-compatible object storage. A damaged archive is refused in French."""

import io
import shutil
import tarfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from PIL import Image

from pepites.core import backups, restore
from pepites.initiatives.images import add_initiative_image
from pepites.initiatives.models import Initiative, InitiativeImage
from pepites.initiatives.services import update_initiative
from tests.initiatives.helpers import new_initiative


def jpeg(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def make_content(people) -> None:
    for number, colour in enumerate([(200, 40, 40), (40, 160, 90)], start=1):
        initiative = new_initiative(title=f"Une épicerie solidaire n° {number}")
        update_initiative(
            initiative=initiative,
            expected_version=1,
            summary=f"Résumé revu par l'équipe, version {number}.",
            history_user=people.member,
        )
        add_initiative_image(
            initiative=initiative, alt_text="La devanture", upload=jpeg(colour), user=people.member
        )


def state() -> dict:
    """What must come back: initiatives, history rows, accounts, and every image's bytes."""
    images = {}
    for image in InitiativeImage.objects.order_by("pk"):
        for field in (image.original, image.large, image.small):
            with default_storage.open(field.name, "rb") as stream:
                images[field.name] = stream.read()
    return {
        "initiatives": list(Initiative.objects.order_by("pk").values()),
        "history": list(Initiative.history.order_by("history_id").values()),
        "accounts": list(User.objects.order_by("pk").values("email", "password", "is_staff")),
        "images": images,
    }


def destroy(media_root: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    for name in list(backups._media_names(default_storage)):
        default_storage.delete(name)
    shutil.rmtree(media_root, ignore_errors=True)
    assert not Initiative.objects.exists() and not User.objects.exists()
    assert not list(backups._media_names(default_storage))


@pytest.fixture
def drill_content(people):
    make_content(people)
    return state()


def drill(tmp_path, media_root, before) -> None:
    result = backups.create_backup(folder=tmp_path / "sauvegardes")
    assert result.media_files == 6 and result.rows > 0
    assert result.path.name.startswith("pepites-sauvegarde-")
    assert result.path.stat().st_mode & 0o777 == 0o600  # personal data inside
    assert restore.verify_archive(result.path)["counts"]["initiatives.initiative"] == 2
    destroy(media_root)
    restored = restore.restore_backup(result.path)
    assert restored.media_files == 6
    after = state()
    assert after == before
    assert len(after["history"]) == 4 and len(after["images"]) == 6


@pytest.mark.django_db(transaction=True)
def test_restore_drill_with_media_on_the_file_system(tmp_path, media_root, drill_content):
    assert any(Path(media_root).rglob("*.jpg"))
    drill(tmp_path, media_root, drill_content)


@pytest.mark.django_db(transaction=True)
def test_restore_drill_with_media_on_object_storage(tmp_path, media_root, s3_media, people):
    make_content(people)
    assert not any(Path(media_root).rglob("*.jpg"))  # all in the bucket
    drill(tmp_path, media_root, state())


@pytest.mark.django_db(transaction=True)
def test_restore_makes_media_identical_to_the_archive(tmp_path, drill_content):
    archive = backups.create_backup(folder=tmp_path).path
    default_storage.save("initiatives/intrus.txt", io.BytesIO(b"ajout d'apres"))
    image = InitiativeImage.objects.first()
    default_storage.delete(image.small.name)
    result = restore.restore_backup(archive)
    assert result.media_removed == 1
    assert not default_storage.exists("initiatives/intrus.txt")
    assert state() == drill_content


def repack(archive: Path, change) -> Path:
    """A copy of the archive with one member's bytes changed by `change(name, data)`."""
    target = archive.with_name("modifiee.tar.gz")
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def flip_media_byte(name, data):
    return data[:-10] + bytes([data[-10] ^ 1]) + data[-9:] if name.startswith("media/") else data


def edit_manifest(name, data):
    return (
        data.replace(b'"format": 1', b'"format": 1, "note": "x"')
        if name == "manifest.json"
        else data
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (flip_media_byte, "ne correspond pas au manifeste"),
        (edit_manifest, "Le manifeste de l'archive a été modifié"),
    ],
)
def test_a_damaged_archive_is_refused_and_nothing_is_touched(
    tmp_path, drill_content, change, message
):
    archive = backups.create_backup(folder=tmp_path).path
    damaged = repack(archive, change)
    new_initiative(title="Écrite après la sauvegarde")
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(damaged), interactive=False)
    assert Initiative.objects.filter(title="Écrite après la sauvegarde").exists()


@pytest.mark.django_db(transaction=True)
def test_an_archive_that_does_not_match_its_checksum_file_is_refused(tmp_path, drill_content):
    archive = backups.create_backup(folder=tmp_path).path
    with archive.open("ab") as stream:
        stream.write(b"\0")
    with pytest.raises(backups.BackupError, match="L'empreinte de l'archive ne correspond pas"):
        restore.verify_archive(archive)
    archive.write_bytes(b"pas une archive")
    archive.with_name(archive.name + ".sha256").unlink()
    with pytest.raises(backups.BackupError, match="illisible ou tronquée"):
        restore.verify_archive(archive)


@pytest.mark.django_db(transaction=True)
def test_the_commands_speak_french(tmp_path, drill_content, capsys):
    call_command("backup", dossier=tmp_path)
    out = capsys.readouterr().out
    assert "Archive écrite" in out and "6 fichier(s) de médias" in out
    archive = next(tmp_path.glob("*.tar.gz"))
    call_command("restore", str(archive), verifier=True)
    assert "Archive valide" in capsys.readouterr().out
    call_command("restore", str(archive), interactive=False)
    assert "Restauration terminée" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Archive introuvable"):
        call_command("restore", str(tmp_path / "absente.tar.gz"), interactive=False)


def test_a_missing_postgresql_client_is_named(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(backups.BackupError, match="postgresql-client"):
        backups._pg_program("pg_dump")


def test_retention_keeps_daily_and_weekly_archives():
    start = datetime(2026, 1, 1, 3, tzinfo=UTC)  # a Thursday
    found = [(start + timedelta(hours=12 * n), Path(f"a{n:03}")) for n in range(120)]  # 60 days
    keep = backups.archives_to_keep(found, daily=7, weekly=4)
    days = {taken.date() for taken, path in found if path in keep}
    newest = found[-1][0]
    # The last 7 days, plus the newest of the 4 last weeks (some fall in those days).
    assert {newest.date() - timedelta(days=n) for n in range(7)} <= days
    assert len(keep) <= 7 + 4 and len(keep) >= 8
    kept_weeks = {taken.isocalendar()[:2] for taken, path in found if path in keep}
    assert len(kept_weeks) == 4
    # Each day keeps its newest archive only.
    assert all(taken.hour == 15 for taken, path in found if path in keep)
    assert backups.archives_to_keep(found, daily=0, weekly=0) == {found[-1][1]}


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_backup_applies_the_retention(settings, tmp_path, drill_content):
    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 2, 0
    for day in (1, 2, 3):
        old = tmp_path / f"pepites-sauvegarde-202601{day:02}T030000Z.tar.gz"
        old.write_bytes(b"ancienne")
        old.with_name(old.name + ".sha256").write_text("x")
    (tmp_path / "autre-fichier.tar.gz").write_bytes(b"pas a nous")
    settings.BACKUP_PERIODIC = False
    assert backups.run_scheduled_backup() is None
    assert len(backups.archives(tmp_path)) == 3
    settings.BACKUP_PERIODIC = True
    result = backups.run_scheduled_backup()
    assert sorted(p.name for p in result.deleted) == [
        "pepites-sauvegarde-20260101T030000Z.tar.gz",
        "pepites-sauvegarde-20260102T030000Z.tar.gz",
    ]
    remaining = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert remaining == sorted(
        [
            "autre-fichier.tar.gz",
            "pepites-sauvegarde-20260103T030000Z.tar.gz",
            "pepites-sauvegarde-20260103T030000Z.tar.gz.sha256",
            result.path.name,
            result.path.name + ".sha256",
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_the_site_writes_is_consistent(tmp_path, reference_data):
    """Initiatives are created (each with its history row, in one transaction) while the
    backup runs: the archive holds whole transactions only, and says how many."""
    stop, written = threading.Event(), []

    def write():
        try:
            while not stop.is_set():
                written.append(new_initiative(title=f"Écrite pendant la sauvegarde {len(written)}"))
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 3:
            stop.wait(0.05)
        archive = backups.create_backup(folder=tmp_path).path
    finally:
        stop.set()
        writer.join()
    manifest = restore.verify_archive(archive)
    saved = manifest["counts"]["initiatives.initiative"]
    assert 3 <= saved <= len(written)
    restore.restore_backup(archive)
    connection.close()
    assert Initiative.objects.count() == saved
    assert Initiative.history.count() == saved  # no initiative without its history row
