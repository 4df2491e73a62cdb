from django.core.management.base import BaseCommand, CommandError

from pepites.essaimage.demo import load_demo_essaimage
from pepites.events.demo import load_demo_events
from pepites.initiatives.demo import load_demo
from pepites.initiatives.demo_labels import load_demo_labels
from pepites.initiatives.demo_porteurs import load_demo_harvest_source, load_demo_organisations
from pepites.initiatives.figures.demo import load_demo_figures
from pepites.publications.demo import load_demo_publications
from pepites.resources.demo import load_demo_resources


class Command(BaseCommand):
    help = (
        "Ajoute les initiatives de démonstration (fictives, signalées comme telles) "
        "qui ne sont pas encore dans la base."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si la base contient déjà au moins une initiative.",
        )

    def handle(self, *args, if_empty: bool, **options):
        try:
            created = load_demo(only_if_empty=if_empty)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not (if_empty and created == 0):  # the demo issues feature the demo initiatives
            organisations = load_demo_organisations()
            self.stdout.write(f"Organisations de démonstration complétées : {organisations}.")
            sources = load_demo_harvest_source()
            self.stdout.write(f"Carte moissonnée de démonstration : {sources} créée(s).")
            issues = load_demo_publications()
            figures = load_demo_figures()
            self.stdout.write(f"Résultats chiffrés de démonstration : {figures} initiative(s).")
            labelled = load_demo_labels()
            self.stdout.write(f"Programmes et labels de démonstration : {labelled} initiative(s).")
            self.stdout.write(
                f"Numéros de démonstration de L'Éco des quartiers : {issues} créé(s)."
            )
            events = load_demo_events()
            self.stdout.write(f"Événements de démonstration de l'agenda : {events} créé(s).")
            resources = load_demo_resources()
            self.stdout.write(f"Ressources de démonstration : {resources} créée(s).")
            requests = load_demo_essaimage()
            self.stdout.write(f"Demandes d'essaimage de démonstration : {requests} créée(s).")
        if if_empty and created == 0:
            self.stdout.write(
                "La base contient déjà des initiatives : aucun exemple de démonstration ajouté."
            )
            return
        if created == 0:
            self.stdout.write("Initiatives de démonstration : toutes déjà présentes, aucune créée.")
            return
        self.stdout.write(self.style.SUCCESS(f"Initiatives de démonstration : {created} créée(s)."))
