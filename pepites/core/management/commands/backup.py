from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pepites.core import backups


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données et les médias dans une archive datée (BACKUP_DIR), "
        "puis applique la politique de conservation (BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossier", type=Path, help="Dossier des archives (BACKUP_DIR).")
        parser.add_argument(
            "--sans-purge",
            action="store_true",
            help="Ne supprime aucune ancienne archive.",
        )

    def handle(self, *args, dossier=None, sans_purge=False, **options):
        try:
            result = backups.create_backup(folder=dossier)
            deleted = [] if sans_purge else backups.apply_retention(folder=result.path.parent)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Archive écrite : {result.path} ({result.size / 1e6:.1f} Mo, "
            f"{result.rows} lignes, {result.media_files} fichier(s) de médias)."
        )
        for path in deleted:
            self.stdout.write(f"Ancienne archive supprimée : {path.name}")
