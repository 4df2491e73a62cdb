from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pepites.core.errors import ImportFileError
from pepites.territories.datagouv import FetchError, GeodataClient
from pepites.territories.geodata import fetch_qpv_outlines, official_qpv_dataset
from pepites.territories.services import install_demo_qpvs


class Command(BaseCommand):
    help = (
        "Télécharge depuis data.gouv.fr les contours officiels des quartiers prioritaires "
        "(ANCT), les vérifie et les importe ; hors ligne, installe des contours de "
        "démonstration. N'échoue pas faute de réseau (sauf --strict)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Ne rien télécharger si une liste officielle est déjà importée (make setup).",
        )
        parser.add_argument(
            "--offline",
            action="store_true",
            help="Ne pas essayer le réseau (comme GEODATA_OFFLINE=1).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Télécharger et importer même si cette édition est déjà importée.",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Terminer en erreur si les contours officiels n'ont pas pu être importés.",
        )

    def handle(self, *args, if_missing: bool, offline: bool, force: bool, strict: bool, **opts):
        stored = official_qpv_dataset()
        if if_missing and stored is not None:
            self.stdout.write(
                f"Contours officiels des QPV déjà importés ({stored.version}) : rien à télécharger."
            )
            return
        if offline or settings.GEODATA_OFFLINE:
            self._fallback("Mode hors ligne demandé : aucun téléchargement.", strict=False)
            return
        try:
            with GeodataClient(
                timeout=settings.GEODATA_TIMEOUT, retries=settings.GEODATA_RETRIES
            ) as client:
                report = fetch_qpv_outlines(client=client, force=force)
        except (FetchError, ImportFileError) as exc:
            reason = exc.message if isinstance(exc, FetchError) else str(exc)
            offline_now = isinstance(exc, FetchError) and exc.offline
            prefix = "" if offline_now else "Contours officiels des QPV refusés : "
            self._fallback(f"{prefix}{reason} Aucune modification enregistrée.", strict=strict)
            return
        if report.imported is None:
            self.stdout.write(
                f"Contours officiels des QPV à jour ({report.version}) : aucun changement."
            )
            return
        imported = report.imported
        self.stdout.write(
            self.style.SUCCESS(
                f"Contours officiels des QPV importés ({report.version}, liste "
                f"{imported.generation}) : {imported.total} QPV, {len(imported.added)} ajoutés, "
                f"{len(imported.changed)} modifiés, {len(imported.removed)} retirés."
            )
        )
        if imported.demo_removed:
            self.stdout.write(
                f"  {imported.demo_removed} contours de démonstration retirés (remplacés)."
            )
        if imported.placement is not None:
            self.stdout.write(
                f"  Initiatives replacées : {imported.placement.changed} modifiées sur "
                f"{imported.placement.initiatives}."
            )

    def _fallback(self, reason: str, *, strict: bool) -> None:
        """No official outlines this time: say why, keep what is stored, and give an instance
        without any list the demonstration outlines."""
        self.stderr.write(self.style.WARNING(reason))
        if official_qpv_dataset() is not None:
            self.stdout.write("La liste officielle déjà importée est conservée.")
        else:
            try:
                report = install_demo_qpvs()
            except ImportFileError as exc:  # the COG is not loaded yet
                self.stderr.write(self.style.WARNING(str(exc)))
                report = None
            if report is None:
                return
            count = report.total
            self.stdout.write(
                f"Contours de démonstration en place : {count} quartiers fictifs, signalés comme "
                "tels, en attendant la liste officielle. Relancez « pepites "
                "fetch_reference_geodata » une fois en ligne."
            )
        if strict:
            raise CommandError("Contours officiels des QPV non importés.")
