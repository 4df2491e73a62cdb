from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pepites.initiatives.figures.files import import_figures
from pepites.initiatives.models import Initiative


class Command(BaseCommand):
    help = (
        "Importe des résultats chiffrés (CSV ou XLSX au format de l'export « résultats » : "
        "uid, annee, personnes_touchees…). Une erreur : rien n'est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Vérifier sans rien écrire.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        report = import_figures(
            data=path.read_bytes(),
            filename=path.name,
            initiatives=Initiative.objects.all(),
            dry_run=options["dry_run"],
        )
        if report.errors:
            for error in report.errors[:50]:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} erreur(s) : rien n'a été importé.")
        verb = "à créer" if options["dry_run"] else "créées"
        self.stdout.write(
            f"Années {verb} : {report.created} ; mises à jour : {report.updated}"
            + (" (essai à blanc, rien n'est écrit)" if options["dry_run"] else "")
        )
