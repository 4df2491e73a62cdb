from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pepites.core.errors import ImportFileError
from pepites.territories.indicator_files import INDICATORS_SOURCE, read_indicator_file
from pepites.territories.indicator_services import (
    IndicatorImportReport,
    import_qpv_indicators,
    install_demo_indicators,
)

LISTED = 20  # unknown codes shown before "…"


class Command(BaseCommand):
    help = (
        "Importe les chiffres clés des quartiers prioritaires publiés par l'INSEE (CSV : "
        "CODGEO et colonnes POP_MUN, TP60, PART_MOINS25, TX_EMPL, DEFM_ABC ; voir docs/qpv.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", help="Fichier CSV de l'INSEE (; ou ,).")
        parser.add_argument("--millesime", default="", help="Millésime des données (ex. 2020).")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Charger les chiffres fictifs des QPV de démonstration, s'ils sont en place.",
        )
        parser.add_argument("--source", default=INDICATORS_SOURCE, help="Source à afficher.")

    def handle(self, *args, file: Path | None, millesime: str, source: str, **options):
        if options["demo"]:
            if file is not None:
                raise CommandError("--demo ne prend pas de fichier.")
            report = install_demo_indicators()
            if report is None:
                self.stdout.write(
                    "Pas de contours de démonstration : chiffres fictifs non chargés."
                )
                return
        elif file is None or not millesime:
            raise CommandError("Indiquez le fichier et son millésime (--millesime 2020).")
        else:
            report = self._import(file, millesime, source)
        self._report(report)

    def _import(self, file: Path, millesime: str, source: str) -> IndicatorImportReport:
        try:
            return import_qpv_indicators(
                data=read_indicator_file(file), vintage=millesime, source=source[:200]
            )
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nAucune modification n'a été enregistrée.") from exc

    def _report(self, report: IndicatorImportReport) -> None:
        columns = ", ".join(report.columns.values())
        self.stdout.write(
            f"Millésime {report.vintage} (colonnes {columns}) : {report.qpvs} QPV, "
            f"{report.references} territoires de référence."
        )
        self.stdout.write(
            f"  {report.added} valeurs ajoutées, {report.changed} modifiées, "
            f"{report.removed} retirées, {report.unchanged} inchangées"
        )
        if report.unknown_qpvs:
            codes = report.unknown_qpvs
            shown = ", ".join(codes[:LISTED]) + (" …" if len(codes) > LISTED else "")
            self.stdout.write(
                self.style.WARNING(
                    f"  {len(codes)} codes de QPV absents des contours importés, ignorés : {shown}"
                )
            )
        self.stdout.write(
            self.style.SUCCESS("Import terminé." if report.has_changes else "Aucun changement.")
        )
