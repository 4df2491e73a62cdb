from django.core.management.base import BaseCommand

from pepites.privacy.retention import run_retention


class Command(BaseCommand):
    help = "Applique les durées de conservation des données personnelles (une fois par jour)."

    def handle(self, *args, **options):
        for name, count in run_retention().items():
            self.stdout.write(f"{name} : {count}")
