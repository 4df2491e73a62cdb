from django.core.management.base import BaseCommand

from pepites.core import ratelimit


class Command(BaseCommand):
    help = "Supprime les événements comptés (propositions, connexions) de plus d'un jour."

    def handle(self, *args, **options):
        deleted = ratelimit.purge()
        self.stdout.write(f"{deleted} événement(s) supprimé(s).")
