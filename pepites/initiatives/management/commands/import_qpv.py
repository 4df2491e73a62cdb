from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pepites.core.errors import ImportFileError
from pepites.initiatives.placement.services import import_qpv
from pepites.territories.qpv_files import read_qpv_file

LISTED = 20  # codes shown per category before "…"


def _codes(codes: tuple[str, ...]) -> str:
    shown = ", ".join(codes[:LISTED])
    return f"{shown}, … (+{len(codes) - LISTED})" if len(codes) > LISTED else shown


class Command(BaseCommand):
    help = (
        "Importe les contours officiels des quartiers prioritaires (ANCT) : GeoJSON, shapefile "
        "(.shp ou .zip) ou GeoPackage, puis replace toutes les initiatives."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Fichier .geojson, .shp, .gpkg ou .zip.")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Le fichier ne contient qu'une partie de la liste : ne retirer aucun QPV absent.",
        )
        parser.add_argument(
            "--srid",
            default=None,
            help="Système de coordonnées d'un shapefile sans .prj (ex. EPSG:2154).",
        )
        parser.add_argument(
            "--no-placement",
            action="store_true",
            help="Ne pas replacer les initiatives (à faire ensuite : pepites place_initiatives).",
        )

    def handle(self, *args, file: Path, partial: bool, srid: str | None, **options):
        try:
            data = read_qpv_file(file, source_crs=srid)
            report = import_qpv(data=data, partial=partial, place=not options["no_placement"])
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nAucune modification n'a été enregistrée.") from exc
        self.stdout.write(
            f"Liste {report.generation} ({data.format}, {report.source_crs}) : "
            f"{report.total} QPV dans le fichier."
        )
        for label, codes in (
            ("ajoutés", report.added),
            ("modifiés", report.changed),
            ("retirés", report.removed),
        ):
            line = f"  {len(codes)} {label}"
            self.stdout.write(f"{line} : {_codes(codes)}" if codes else line)
        self.stdout.write(f"  {report.unchanged} inchangés")
        if report.repaired:
            self.stdout.write(
                self.style.WARNING(f"  {report.repaired} contours invalides réparés (make_valid)")
            )
        if report.placement is not None:
            placement = report.placement
            self.stdout.write(
                f"Initiatives replacées : {placement.changed} modifiées sur "
                f"{placement.initiatives}."
            )
        self.stdout.write(
            self.style.SUCCESS("Import terminé." if report.has_changes else "Aucun changement.")
        )
