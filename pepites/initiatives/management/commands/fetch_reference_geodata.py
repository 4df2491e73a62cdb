import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pepites.core.errors import ImportFileError
from pepites.core.models import ReferenceDataset
from pepites.initiatives.placement.services import install_demo_qpvs, placed_after
from pepites.territories.commune_outlines import COMMUNE_OUTLINES_DATASET_NAME
from pepites.territories.datagouv import FetchError, GeodataClient
from pepites.territories.geodata import (
    fetch_commune_outlines,
    fetch_qpv_outlines,
    official_qpv_dataset,
)

COMMUNES_SKIPPED = (
    "Contours des communes non téléchargés (hors ligne) : la commune d'un point reste "
    "demandée au géocodeur."
)


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, FetchError) else str(exc)


class Command(BaseCommand):
    help = (
        "Télécharge depuis data.gouv.fr les contours officiels des quartiers prioritaires "
        "(ANCT) et ceux des communes (Etalab), les vérifie et les importe ; hors ligne, "
        "installe des contours de QPV de démonstration. N'échoue pas faute de réseau "
        "(sauf --strict)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Ne rien télécharger de ce qui est déjà importé (make setup).",
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
        if offline or settings.GEODATA_OFFLINE:
            self._fallback("Mode hors ligne demandé : aucun téléchargement.", strict=False)
            self.stdout.write(COMMUNES_SKIPPED)
            return
        with GeodataClient(
            timeout=settings.GEODATA_TIMEOUT, retries=settings.GEODATA_RETRIES
        ) as client:
            reachable = self._qpv(client, if_missing=if_missing, force=force, strict=strict)
            if not reachable:
                self.stdout.write(COMMUNES_SKIPPED)
                return
            self._communes(client, if_missing=if_missing, force=force, strict=strict)

    def _qpv(self, client, *, if_missing: bool, force: bool, strict: bool) -> bool:
        """The QPV outlines; False when data.gouv.fr was not reachable at all."""
        stored = official_qpv_dataset()
        if if_missing and stored is not None:
            self.stdout.write(
                f"Contours officiels des QPV déjà importés ({stored.version}) : rien à télécharger."
            )
            return True
        try:
            report = fetch_qpv_outlines(client=client, force=force)
        except (FetchError, ImportFileError) as exc:
            offline_now = isinstance(exc, FetchError) and exc.offline
            prefix = "" if offline_now else "Contours officiels des QPV refusés : "
            self._fallback(
                f"{prefix}{_reason(exc)} Aucune modification enregistrée.", strict=strict
            )
            return not offline_now
        if report.imported is None:
            self.stdout.write(
                f"Contours officiels des QPV à jour ({report.version}) : aucun changement."
            )
            return True
        imported = placed_after(report.imported)
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
        return True

    def _communes(self, client, *, if_missing: bool, force: bool, strict: bool) -> None:
        stored = ReferenceDataset.objects.filter(name=COMMUNE_OUTLINES_DATASET_NAME).first()
        if if_missing and stored is not None:
            self.stdout.write(
                f"Contours des communes déjà importés ({stored.version}) : rien à télécharger."
            )
            return
        started = time.perf_counter()
        try:
            report = fetch_commune_outlines(client=client, force=force)
        except (FetchError, ImportFileError) as exc:
            self.stderr.write(
                self.style.WARNING(
                    f"Contours des communes non importés : {_reason(exc)} Aucune modification "
                    "enregistrée ; la commune d'un point reste demandée au géocodeur."
                )
            )
            if strict:
                raise CommandError("Contours des communes non importés.") from exc
            return
        if report.imported is None:
            self.stdout.write(
                f"Contours des communes à jour ({report.version}) : aucun changement."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Contours des communes importés ({report.version}) : "
                f"{report.imported.outlines} communes en {time.perf_counter() - started:.1f} s"
                + (
                    f", {len(report.imported.unknown)} codes inconnus du COG ignorés."
                    if report.imported.unknown
                    else "."
                )
            )
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
