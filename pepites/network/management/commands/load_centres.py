from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pepites.core.errors import ImportFileError
from pepites.network.centres_csv import DEFAULT_CENTRES_FILE, read_centres
from pepites.network.services import import_centres


class Command(BaseCommand):
    help = "Charge les centres de ressources et les territoires qu'ils couvrent (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_CENTRES_FILE)

    def handle(self, *args, file: Path, **options):
        try:
            report = import_centres(rows=read_centres(file), source_name=str(file))
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Centres : {report.created} créés, {report.updated} mis à jour.")
        )
