import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pepites.initiatives import exports
from pepites.initiatives.figures.files import figures_for, iter_figures_csv
from pepites.territories.selectors import unknown_qpv_codes


class Command(BaseCommand):
    help = (
        "Exporte les initiatives publiées (CSV, XLSX ou GeoJSON, Licence Ouverte 2.0), avec "
        "les filtres de la carte ; --write-schema réécrit schema.json et le dictionnaire."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx", "geojson", "resultats"],
            default="csv",
            help="« resultats » : les résultats chiffrés (CSV, une ligne par initiative et année).",
        )
        parser.add_argument(
            "-o", "--output", default="-", help="Fichier à écrire (« - » : la sortie standard)."
        )
        parser.add_argument("--thematique", action="append", default=[], help="Slug, répétable.")
        parser.add_argument("--programme", action="append", default=[], help="Slug, répétable.")
        parser.add_argument("--label", action="append", default=[], help="Slug, répétable.")
        parser.add_argument("--region", default="", help="Code de région.")
        parser.add_argument("--departement", default="", help="Code de département.")
        parser.add_argument("--commune", action="append", default=[], help="Code INSEE.")
        parser.add_argument("--centre", default="", help="Slug du centre.")
        parser.add_argument("--qpv", action="store_true", help="Seulement dans un QPV.")
        parser.add_argument("--quartier", default="", help="Code QPV (ex. QN09301M).")
        parser.add_argument(
            "--relation",
            default="",
            choices=["", "dans", "proximite", "pour", "hors"],
            help="Situation par rapport aux QPV (avec --quartier : par rapport à ce quartier).",
        )
        parser.add_argument(
            "--write-schema",
            action="store_true",
            help="Écrire le schéma (Table Schema) et le dictionnaire des données, puis sortir.",
        )

    def handle(self, *args, **options):
        if options["write_schema"]:
            exports.SCHEMA_FILE.write_text(exports.schema_text(), encoding="utf-8")
            exports.DICTIONARY_FILE.write_text(exports.dictionary_markdown(), encoding="utf-8")
            self.stdout.write(f"{exports.SCHEMA_FILE}\n{exports.DICTIONARY_FILE}")
            return
        filters = {
            "themes": options["thematique"],
            "region": options["region"],
            "departement": options["departement"],
            "commune": options["commune"],
            "centre": options["centre"],
            "in_qpv": options["qpv"],
            "qpv_code": options["quartier"].strip().upper(),
            "qpv_relation": options["relation"],
            "programmes": options["programme"],
            "labels": options["label"],
        }
        if filters["qpv_code"] and unknown_qpv_codes([filters["qpv_code"]]):
            raise CommandError(f"Quartier prioritaire inconnu : {filters['qpv_code']}")
        info = exports.export_info(filters={k: v for k, v in filters.items() if v})
        initiatives = exports.iter_initiatives(exports.export_queryset(filters=filters))
        if options["output"] == "-":
            stream, close = sys.stdout.buffer, False
        else:
            path = Path(options["output"])
            if not path.parent.is_dir():
                raise CommandError(f"Dossier introuvable : {path.parent}")
            stream, close = path.open("wb"), True
        try:
            fmt = options["format"]
            if fmt == "resultats":
                figures = figures_for(exports.export_queryset(filters=filters))
                for chunk in iter_figures_csv(figures):
                    stream.write(chunk.encode("utf-8"))
            elif fmt == "csv":
                exports.write_csv(initiatives, stream)
            elif fmt == "geojson":
                for chunk in exports.iter_geojson(initiatives, info=info):
                    stream.write(chunk.encode("utf-8"))
            else:
                exports.write_xlsx(initiatives, stream, info=info)
        finally:
            if close:
                stream.close()
