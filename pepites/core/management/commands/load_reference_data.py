from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Charge toutes les données de référence : territoires du COG, centres, thématiques, programmes."

    def handle(self, *args, **options):
        for name in ("load_territories", "load_centres", "load_themes", "load_programmes"):
            call_command(name, stdout=self.stdout, stderr=self.stderr)
