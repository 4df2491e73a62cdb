import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from pepites.core.jobs.worker import serve


class Command(BaseCommand):
    help = (
        "Exécute les tâches en file (courriels, imports, tâches périodiques) jusqu'à SIGTERM. "
        "Plusieurs workers peuvent tourner en parallèle, sur une ou plusieurs machines."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Lance les tâches périodiques dues, exécute les tâches en attente puis s'arrête.",
        )
        parser.add_argument(
            "--queue",
            action="append",
            choices=settings.TASKS["default"]["QUEUES"],
            dest="queues",
            help="Ne traite que cette file (répétable ; défaut : toutes). « default » : ce "
            "qu'on attend en secondes (carte, courriels) ; « bulk » : les longues "
            "constructions (fichiers de données ouvertes).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Secondes d'attente quand la file est vide (défaut : 1).",
        )

    def handle(self, *args, once: bool, interval: float, queues: list[str] | None, **options):
        if interval < 0:
            self.stderr.write("--interval doit être positif ou nul.")
            raise SystemExit(2)
        logging.getLogger("django_tasks_db").setLevel(logging.INFO)
        ran = serve(interval=interval, once=once, queues=queues)
        if once:
            self.stdout.write(f"{ran} tâche(s) exécutée(s).")
