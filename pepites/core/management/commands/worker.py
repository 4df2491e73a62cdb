import logging
import os

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
            "--nice",
            type=int,
            default=0,
            help="Baisse la priorité processeur du worker de N (0 à 19, défaut : 0) : un "
            "worker de la file « bulk » laisse ainsi le processeur aux pages et à la carte.",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Secondes d'attente quand la file est vide (défaut : 1).",
        )

    def handle(
        self,
        *args,
        once: bool,
        interval: float,
        nice: int,
        queues: list[str] | None,
        **options,
    ):
        if interval < 0:
            self.stderr.write("--interval doit être positif ou nul.")
            raise SystemExit(2)
        if not 0 <= nice <= 19:
            self.stderr.write(f"--nice doit être compris entre 0 et 19 (reçu : {nice}).")
            raise SystemExit(2)
        if nice:
            os.nice(nice)  # the web servers' requests come first on a shared machine
        logging.getLogger("django_tasks_db").setLevel(logging.INFO)
        ran = serve(interval=interval, once=once, queues=queues)
        if once:
            self.stdout.write(f"{ran} tâche(s) exécutée(s).")
