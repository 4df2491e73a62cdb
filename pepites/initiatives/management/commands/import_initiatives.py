import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pepites.initiatives.imports.fields import FIELDS
from pepites.initiatives.imports.importer import STAGES, ImportOptions, run_import
from pepites.initiatives.imports.mapping import parse_explicit_mapping
from pepites.initiatives.imports.report import UNCHANGED, ImportReport
from pepites.initiatives.imports.values import ValueProblem
from pepites.initiatives.models import InitiativeStatus

BAR_WIDTH = 30


class ProgressBar:
    """A progress bar on stderr: redrawn in place on a terminal, one line per tenth
    otherwise (logs, CI)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.stage = ""
        self.shown = -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.finish()
            self.stage, self.shown = stage, -1
        share = done / total if total else 1.0
        step = int(share * (100 if self.tty else 10))
        if step == self.shown:
            return
        self.shown = step
        filled = int(share * BAR_WIDTH)
        line = (
            f"{STAGES.get(stage, stage):<26} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{share:4.0%} ({done:,}/{total:,})".replace(",", " ")
        )
        if self.tty:
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.stage:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Importe des initiatives depuis un fichier CSV, XLSX, ODS, GeoJSON, ou un export uMap "
        "ou GoGoCarto. Tout ou rien : un fichier qui contient une erreur n'importe rien "
        "(sauf --skip-invalid). Réimporter le même fichier ne crée pas de doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier à importer (« - » : l'entrée standard).")
        parser.add_argument(
            "--centre", default="", help="Rattacher toutes les initiatives à ce centre (slug)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Tout vérifier sans rien enregistrer."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Importer les lignes valides et ignorer celles qui sont en erreur.",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="EN-TÊTE=CHAMP",
            help=(
                "Correspondance explicite d'une colonne (en-tête ou lettre) vers un champ, "
                "répétable ; « =ignorer » pour écarter une colonne. Champs : "
                + ", ".join(f.name for f in FIELDS)
            ),
        )
        parser.add_argument(
            "--theme", default="", help="Thématique (slug) des lignes qui n'en ont pas."
        )
        parser.add_argument(
            "--status",
            default=InitiativeStatus.DRAFT,
            choices=[InitiativeStatus.DRAFT, InitiativeStatus.PROPOSED, InitiativeStatus.PUBLISHED],
            help="État des initiatives créées sans colonne « état » (défaut : brouillon).",
        )
        parser.add_argument("--sheet", default="", help="Feuille du classeur à lire.")
        parser.add_argument(
            "--no-geocode",
            action="store_true",
            help="Ne pas géocoder les adresses (les lignes sans coordonnées restent non placées).",
        )
        parser.add_argument(
            "--user",
            default="",
            help="Vérifier les droits de ce compte (identifiant) et lui attribuer l'import.",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if path == "-":
            data, name = sys.stdin.buffer.read(), "entrée standard"
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"Fichier introuvable : {path}")
            data, name = file.read_bytes(), file.name
        try:
            explicit = parse_explicit_mapping(options["map"])
        except ValueProblem as problem:
            raise CommandError(problem.message) from problem
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Compte « {options['user']} » introuvable.")
        progress = ProgressBar(self.stderr._out if hasattr(self.stderr, "_out") else self.stderr)
        report = run_import(
            data,
            ImportOptions(
                filename=name,
                centre_slug=options["centre"],
                mapping=explicit,
                default_theme=options["theme"],
                status=options["status"],
                sheet=options["sheet"],
                geocode=not options["no_geocode"],
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
                user=user,
                progress=progress,
            ),
        )
        progress.finish()
        self.print_report(report, verbosity=options["verbosity"])
        if report.errors and not (report.committed and options["skip_invalid"]):
            raise CommandError(f"{len(report.errors)} erreur(s) : {report.summary()}")

    def print_report(self, report: ImportReport, *, verbosity: int) -> None:
        out = self.stdout
        details = [report.format]
        if report.encoding:
            details.append(f"encodage {report.encoding}")
        if report.delimiter:
            names = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
            details.append(f"séparateur {names.get(report.delimiter, report.delimiter)}")
        if report.sheet:
            details.append(f"feuille « {report.sheet} »")
        if report.format:
            out.write(f"{report.filename} : {', '.join(details)}.")
        if report.columns and verbosity >= 1:
            out.write("Colonnes :")
            for column in report.columns:
                target = column["field_label"] or {
                    "read_only": "(calculée, ignorée)",
                    "ignored": "(ignorée)",
                }.get(column["how"], "(non reconnue)")
                out.write(f"  {column['letter']:>3} {column['header'] or '—'} → {target}")
        for problem in report.file_problems:
            style = self.style.ERROR if problem.is_error else self.style.WARNING
            out.write(style(("Erreur : " if problem.is_error else "Attention : ") + problem.text()))
        for row in report.rows:
            if row.action == UNCHANGED and not row.problems and verbosity < 2:
                continue
            if verbosity >= 2 or row.problems:
                title = f" « {row.title} »" if row.title else ""
                changes = f" ({', '.join(row.changes)})" if row.changes else ""
                out.write(
                    f"{report.unit.capitalize()} {row.line}{title} : "
                    f"{row.action_label(report.committed)}{changes}"
                )
            for problem in row.problems:
                style = self.style.ERROR if problem.is_error else self.style.WARNING
                prefix = "  erreur" if problem.is_error else "  attention"
                out.write(style(f"{prefix} — {problem.text(report.unit)}"))
        unplaced = report.unplaced
        if unplaced:
            lines = ", ".join(str(r.line) for r in unplaced[:30])
            more = "…" if len(unplaced) > 30 else ""
            out.write(
                self.style.WARNING(
                    f"{len(unplaced)} initiative(s) sans position sur la carte "
                    f"({report.unit}s {lines}{more})."
                )
            )
        summary = report.summary()
        out.write(self.style.SUCCESS(summary) if report.committed else summary)
