from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pepites.core import backups, restore


class Command(BaseCommand):
    help = (
        "Restaure une archive de « pepites backup » : remplace la base de données et les "
        "médias. Arrêtez d'abord les serveurs d'application et les workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="L'archive .tar.gz à restaurer.")
        parser.add_argument(
            "--verifier",
            action="store_true",
            help="Vérifie l'archive (empreintes, manifeste, version) sans rien restaurer.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ne demande pas de confirmation.",
        )

    def handle(self, *args, archive, verifier=False, interactive=True, **options):
        try:
            if verifier:
                manifest = restore.verify_archive(archive)
                self.stdout.write(f"Archive valide : {describe(manifest)}.")
                return
            if interactive:
                answer = input(
                    "La base de données et les médias actuels seront remplacés par ceux de "
                    f"{archive.name}. Tapez « oui » pour continuer : "
                )
                if answer.strip().lower() != "oui":
                    raise CommandError("Restauration annulée : rien n'a été modifié.")
            result = restore.restore_backup(archive)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restauration terminée : {describe(result.manifest)} ; {result.media_files} "
            f"fichier(s) de médias restauré(s), {result.media_removed} retiré(s). "
            "Lancez ensuite « pepites migrate » si le code est plus récent que l'archive."
        )


def describe(manifest) -> str:
    rows = sum(manifest["counts"].values())
    return (
        f"sauvegarde du {manifest['created_at']}, Pépites {manifest['versions']['pepites']}, "
        f"{rows} lignes, {len(manifest['files']) - 1} fichier(s) de médias"
    )
