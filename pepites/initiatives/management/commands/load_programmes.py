from django.core.management.base import BaseCommand

from pepites.initiatives.labels.services import load_default_labels, load_default_programmes


class Command(BaseCommand):
    help = (
        "Crée les programmes de départ (liste initiale modifiable : Entrepreneuriat Quartiers "
        "2030, Cités de l'emploi, CitésLab…) et les labels de départ (« Visite possible », « Repérée "
        "par » chaque centre) qui n'existent pas encore, sans toucher aux autres."
    )

    def handle(self, *args, **options):
        created = load_default_programmes()
        labels = load_default_labels()
        self.stdout.write(
            self.style.SUCCESS(f"Programmes : {created} créé(s) ; labels : {labels} créé(s).")
        )
