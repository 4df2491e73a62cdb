from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pepites.core.errors import ImportFileError
from pepites.territories.cog import read_cog
from pepites.territories.services import import_cog


class Command(BaseCommand):
    help = "Charge les régions, départements et communes du COG (paquet @etalab/decoupage-administratif)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Dossier data/ du paquet (par défaut : node_modules/@etalab/decoupage-administratif/data).",
        )

    def handle(self, *args, data_dir: Path | None = None, **options):
        try:
            report = import_cog(data=read_cog(data_dir or settings.COG_DATA_DIR))
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"COG {report.version} : {report.regions} régions, {report.departements} départements, "
                f"{report.communes} communes, {report.arrondissements} arrondissements municipaux, "
                f"{report.postal_codes} codes postaux."
            )
        )
