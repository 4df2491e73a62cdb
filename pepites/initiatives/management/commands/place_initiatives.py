from django.core.management.base import BaseCommand

from pepites.initiatives.models import QpvPlacement
from pepites.initiatives.placement.services import place_initiatives


class Command(BaseCommand):
    help = (
        "Replace toutes les initiatives par rapport aux contours des QPV (dans, à proximité, hors)."
    )

    def handle(self, *args, **options):
        report = place_initiatives()
        if not report.qpv_count:
            self.stdout.write(
                self.style.WARNING(
                    "Aucun QPV en base : importez d'abord les contours (import_qpv)."
                )
            )
        self.stdout.write(
            f"{report.initiatives} initiatives, {report.changed} modifiées, "
            f"{report.qpv_count} QPV (liste {report.generation or '—'})."
        )
        for value, label in QpvPlacement.choices:
            self.stdout.write(f"  {label} : {report.by_relation.get(value, 0)}")
