from django.core.management.base import BaseCommand

from pepites.initiatives.services import load_default_themes


class Command(BaseCommand):
    help = "Crée les thématiques de départ qui n'existent pas encore (sans modifier les autres)."

    def handle(self, *args, **options):
        report = load_default_themes()
        self.stdout.write(
            self.style.SUCCESS(
                f"Thématiques : {report.created} créées, {report.existing} déjà présentes."
            )
        )
