import time

from django.core.management.base import BaseCommand, CommandError

from pepites.initiatives.demo import generate_initiatives


class Command(BaseCommand):
    help = (
        "Génère des initiatives synthétiques (fictives, marquées comme démonstration) "
        "pour les tests de charge et de volumétrie."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, required=True, help="Nombre d'initiatives à générer (> 0)."
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Graine du tirage aléatoire (défaut : 0)."
        )

    def handle(self, *args, count: int, seed: int, **options):
        if count < 1:
            raise CommandError(f"--count doit être un entier strictement positif (reçu : {count}).")
        if seed < 0:
            raise CommandError(f"--seed doit être un entier positif ou nul (reçu : {seed}).")
        started = time.perf_counter()
        try:
            created = generate_initiatives(count=count, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} initiatives synthétiques créées en {elapsed:.1f} s (graine {seed})."
            )
        )
