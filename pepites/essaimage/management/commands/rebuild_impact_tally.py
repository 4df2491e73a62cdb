"""Recompute the impact dashboard's tally of the requests from the requests themselves."""

from django.core.management.base import BaseCommand

from pepites.essaimage.services import rebuild_impact_tally


class Command(BaseCommand):
    help = "Recalcule le décompte des demandes d'essaimage du tableau de bord d'impact."

    def handle(self, *args: object, **options: object) -> None:
        rows = rebuild_impact_tally()
        self.stdout.write(f"{rows} lignes de décompte.")
