"""Validate every row of a file, then write them all in one transaction through the services.

`run_import(data, options)` reads the file, maps its columns, parses and resolves each row
(commune, themes, centre, point), finds what already exists (our identifier, the file's
identifier, or the same title in the same commune), geocodes the addresses in one batch,
checks each future initiative against the model's rules, and returns an ImportReport.
Unless it is a dry run, and when no row is in error (or the bad rows are to be skipped),
it then creates and updates the initiatives with `create_initiative`/`update_initiative`
inside one transaction: an error while writing leaves the database as it was.

Identity on re-import: a row is the same initiative as an existing one when it carries its
`uid` (our exports do), or the same identifier in the file (column "id", "référence"…), or
else the same title in the same commune as an initiative imported before (the key
"auto:…" stored in `source_ref`). An initiative typed by hand with that title and commune
is reported as a probable duplicate and not imported again.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pepites.core.errors import ConflictError, ImportFileError
from pepites.initiatives.imports import mapping as values
from pepites.initiatives.imports.mapping import FIELDS_BY_KEY, Mapping, ValueProblem, map_columns
from pepites.initiatives.imports.readers import RawRow, RawTable, read_table
from pepites.initiatives.imports.report import (
    CREATE,
    DUPLICATE,
    ERROR,
    INVALID,
    UNCHANGED,
    UPDATE,
    WARNING,
    ImportReport,
    Problem,
    RowReport,
)
from pepites.initiatives.imports.resolve import (
    CentreIndex,
    CommuneIndex,
    CommuneInfo,
    PlaceProblem,
    ThemeIndex,
    in_france,
    lambert93_to_wgs84,
    looks_like_lambert93,
)
from pepites.initiatives.models import Initiative, InitiativeStatus, LocationStatus, PorteurKind
from pepites.initiatives.permissions import can_create_initiative, can_edit_initiative
from pepites.initiatives.services import create_initiative, update_initiative
from pepites.territories.selectors import normalise_place_name

Progress = Callable[[str, int, int], None]
STAGES = {
    "read": "Lecture du fichier",
    "check": "Vérification des lignes",
    "geocode": "Géocodage des adresses",
    "write": "Enregistrement",
}
SUMMARY_MAX = 600
MAX_REVERSE_GEOCODING = 1000
SIMILAR_TITLE_RATIO = 0.85

# Parsers of the cells, by field key (text for the others).
PARSERS: dict[str, Callable[[Any], Any]] = {
    "start_year": values.year,
    "is_running": values.boolean,
    "contact_consent": values.boolean,
    "is_demo": values.boolean,
    "commune_code": values.commune_code,
    "postcode": values.postcode,
    "departement": values.departement_code,
    "latitude": values.decimal,
    "longitude": values.decimal,
    "coordinates": values.coordinates,
    "contact_email": values.email,
    "links": values.links,
    "status": values.status,
}
# Plain fields of the model written as they are read.
DIRECT_FIELDS = (
    "title",
    "summary",
    "context",
    "actions",
    "results",
    "replication",
    "porteur_name",
    "porteur_kind",
    "partners",
    "funders",
    "target_public",
    "start_year",
    "is_running",
    "address",
    "status",
    "is_demo",
)
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
# Model field → our field key, to say which column a model error is about.
MODEL_TO_KEY = {"commune": "commune_code", "principal_theme": "themes", "source_ref": "ref"}


@dataclass
class ImportOptions:
    filename: str = ""
    centre_slug: str = ""  # every row referred to this centre
    mapping: dict[str, str] | None = None  # from mapping.parse_explicit_mapping
    default_theme: str = ""  # slug, for the rows without a theme
    status: str = InitiativeStatus.DRAFT  # of the created rows, without an "état" column
    sheet: str = ""
    geocode: bool = True
    skip_invalid: bool = False
    dry_run: bool = False
    user: Any = None  # when given, every row is checked against this account's rights
    progress: Progress | None = None
    geocoder: Any = None  # a BanGeocoder; by default one configured from the settings


@dataclass
class _Row:
    report: RowReport
    values: dict[str, Any]
    fields: dict[str, Any] = field(default_factory=dict)  # model fields to write
    commune: CommuneInfo | None = None
    themes: list[str] = field(default_factory=list)
    principal_theme: str = ""
    centre: Any = None
    centre_explicit: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)
    source_ref: str = ""
    target: Initiative | None = None
    needs_reverse: bool = False
    update: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.report.errors)


class _Abort(Exception):
    """Raised inside the transaction to undo every write of the import."""


def auto_ref(title: str, commune_code: str) -> str:
    """The identity of a row without identifier: its title and commune, normalised."""
    key = f"{normalise_place_name(title)}|{commune_code}"
    return "auto:" + hashlib.sha1(key.encode()).hexdigest()[:16]


def run_import(data: bytes, options: ImportOptions) -> ImportReport:
    """Check the file and, unless told otherwise or in error, import it (see module doc)."""
    report = ImportReport(
        filename=options.filename, dry_run=options.dry_run, skip_invalid=options.skip_invalid
    )
    _progress(options, "read", 0, 1)
    try:
        table = read_table(data, filename=options.filename, sheet=options.sheet)
    except ImportFileError as exc:
        report.file_problems.append(
            Problem(exc.message, line=exc.line, column=str(exc.column or ""), field=exc.field)
        )
        return report
    _progress(options, "read", 1, 1)
    report.format, report.encoding = table.format_label, table.encoding
    report.delimiter, report.sheet, report.unit = table.delimiter, table.sheet, table.unit
    rows = _prepare(table, options, report)
    if options.dry_run or not report.can_commit:
        return report
    _write(rows, options, report)
    return report


def _progress(options: ImportOptions, stage: str, done: int, total: int) -> None:
    if options.progress is not None:
        options.progress(stage, done, total)


# --- Preparation ------------------------------------------------------------------------------


class _Context:
    def __init__(self, mapping: Mapping, options: ImportOptions) -> None:
        self.mapping = mapping
        self.options = options
        self.communes = CommuneIndex()
        self.themes = ThemeIndex()
        self.centres = CentreIndex()

    def where(self, key: str) -> str:
        column = self.mapping.column_of(key)
        return column.where if column else ""

    def problem(
        self, row: _Row, key: str, message: str, severity: str = ERROR, label: str = ""
    ) -> None:
        row.report.problems.append(
            Problem(
                message,
                line=row.report.line,
                column=self.where(key) if key else "",
                field=label or (str(FIELDS_BY_KEY[key].label) if key in FIELDS_BY_KEY else ""),
                severity=severity,
            )
        )


def _prepare(table: RawTable, options: ImportOptions, report: ImportReport) -> list[_Row]:
    explicit = options.mapping or {}
    mapping, raw_rows = map_columns(
        table, explicit=explicit, default_theme=bool(options.default_theme)
    )
    report.header_line = mapping.header_line
    report.columns = [
        {
            "letter": c.letter,
            "header": c.header,
            "field": FIELDS_BY_KEY[c.key].name if c.key else "",
            "field_label": str(FIELDS_BY_KEY[c.key].label) if c.key else "",
            "how": c.how,
        }
        for c in mapping.columns
    ]
    report.file_problems += [Problem(message) for message in mapping.problems]
    report.file_problems += [Problem(message, severity=WARNING) for message in mapping.notes]
    if not raw_rows and not mapping.problems:
        report.file_problems.append(Problem(_("Le fichier ne contient aucune ligne de données.")))
    if report.has_file_errors:
        return []
    ctx = _Context(mapping, options)
    forced_centre = None
    if options.centre_slug:
        try:
            forced_centre = ctx.centres.get(options.centre_slug)
        except ValueProblem as problem:
            report.file_problems.append(Problem(problem.message))
            return []
    if options.default_theme and options.default_theme not in {t.slug for t in ctx.themes.themes}:
        report.file_problems.append(
            Problem(_("Thématique « %(slug)s » inconnue.") % {"slug": options.default_theme})
        )
        return []
    rows: list[_Row] = []
    total = len(raw_rows)
    for number, raw in enumerate(raw_rows, start=1):
        row = _parse(raw, ctx)
        _resolve(row, ctx, forced_centre)
        rows.append(row)
        if number % 200 == 0 or number == total:
            _progress(options, "check", number, total)
    _reverse_geocode(rows, ctx)
    _find_in_file_duplicates(rows, ctx)
    _match_existing(rows, ctx)
    _geocode(rows, ctx)
    for row in rows:
        _check_model(row, ctx)
        _check_rights(row, ctx)
        if row.failed:
            row.report.action = INVALID
        report.rows.append(row.report)
    return rows


def _parse(raw: RawRow, ctx: _Context) -> _Row:
    report = RowReport(line=raw.line)
    row = _Row(report=report, values={})
    for column in ctx.mapping.columns:
        if not column.key or column.index >= len(raw.cells):
            continue
        cell = raw.cells[column.index]
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        parser = PARSERS.get(column.key, values.text)
        try:
            value = parser(cell)
        except ValueProblem as problem:
            ctx.problem(row, column.key, problem.message)
            continue
        if value == "" or value == []:
            continue
        if column.key == "porteur_kind":
            try:
                value = values.porteur_kind(value)
            except ValueProblem as problem:
                ctx.problem(row, column.key, problem.message, WARNING)
                value = PorteurKind.AUTRE.value
        row.values[column.key] = value
    report.title = str(row.values.get("title", ""))[:200]
    return row


def _resolve(row: _Row, ctx: _Context, forced_centre) -> None:
    v = row.values
    fields = row.fields
    if "[[" in v.get("summary", "") or "{{" in v.get("summary", ""):
        v["summary"], found_links = values.umap_markup(v["summary"])
        v.setdefault("links", found_links)
    for key in DIRECT_FIELDS:
        if key in v:
            fields[key] = v[key]
    if not v.get("title"):
        ctx.problem(row, "title", _("Le titre est vide."))
    if not v.get("summary"):
        ctx.problem(row, "summary", _("Le résumé est vide."))
    elif len(v["summary"]) > SUMMARY_MAX:
        if not v.get("context"):
            fields["context"] = v["summary"]
            fields["summary"] = _shorten(v["summary"], SUMMARY_MAX)
            ctx.problem(
                row,
                "summary",
                _(
                    "Résumé de %(n)s caractères raccourci à %(max)s ; le texte complet est "
                    "placé dans « contexte et enjeu »."
                )
                % {"n": len(v["summary"]), "max": SUMMARY_MAX},
                WARNING,
            )
        else:
            ctx.problem(
                row,
                "summary",
                _("Le résumé fait %(n)s caractères : %(max)s au plus.")
                % {"n": len(v["summary"]), "max": SUMMARY_MAX},
            )
    if not v.get("porteur_name") and v.get("title"):
        fields["porteur_name"] = v["title"][:200]
    _resolve_themes(row, ctx)
    _resolve_place(row, ctx)
    _resolve_centre(row, ctx, forced_centre)
    _resolve_contact(row, ctx)
    if "uid" in v:
        try:
            v["uid"] = uuid.UUID(str(v["uid"]))
        except ValueError:
            ctx.problem(
                row,
                "uid",
                _("« %(value)s » n'est pas un identifiant Pépites.") % {"value": v["uid"][:60]},
            )
    if "ref" in v and len(v["ref"]) > 200:
        ctx.problem(row, "ref", _("Identifiant de plus de 200 caractères."))
    if "links" in v:
        row.links = [(link, label[:150]) for link, label in v["links"] if len(link) <= 500]
    if row.commune is not None and v.get("title"):
        row.source_ref = v.get("ref") or auto_ref(v["title"], row.commune.code)


def _shorten(text: str, limit: int) -> str:
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _resolve_themes(row: _Row, ctx: _Context) -> None:
    v = row.values
    slugs: list[str] = []
    source = ""
    for key in ("principal_theme", "themes"):
        if key not in v:
            continue
        found, unknown = ctx.themes.match(v[key])
        if unknown:
            ctx.problem(
                row,
                key,
                _("Thématique inconnue : %(terms)s. Thématiques possibles : %(choices)s.")
                % {
                    "terms": ", ".join(f"« {t} »" for t in unknown),
                    "choices": ctx.themes.choices(),
                },
            )
        if key == "principal_theme" and found:
            row.principal_theme = found[0]
        slugs += found
        source = source or key
    if not slugs and "layer" in v:
        found, unknown = ctx.themes.match(v["layer"])
        if found:
            slugs = found
        elif not ctx.options.default_theme:
            ctx.problem(
                row,
                "layer",
                _(
                    "Le calque « %(layer)s » ne correspond à aucune thématique ; choisissez une thématique pour le fichier."
                )
                % {"layer": v["layer"]},
            )
    if not slugs and ctx.options.default_theme:
        slugs = [ctx.options.default_theme]
    if not slugs and not row.report.errors:
        ctx.problem(row, source or "themes", _("Aucune thématique."))
    row.themes = list(dict.fromkeys(slugs))
    row.principal_theme = row.principal_theme or (row.themes[0] if row.themes else "")


def _resolve_place(row: _Row, ctx: _Context) -> None:
    v = row.values
    latitude = longitude = None
    coordinate_key = "latitude"
    if "coordinates" in v:
        latitude, longitude = v["coordinates"]
        coordinate_key = "coordinates"
    elif "latitude" in v or "longitude" in v:
        if "latitude" in v and "longitude" in v:
            latitude, longitude = v["latitude"], v["longitude"]
        else:
            missing = "longitude" if "latitude" in v else "latitude"
            ctx.problem(row, missing, _("Latitude et longitude vont ensemble : l'une manque."))
    if latitude is not None and longitude is not None:
        if looks_like_lambert93(latitude, longitude):
            latitude, longitude = lambert93_to_wgs84(latitude, longitude)
            ctx.problem(
                row,
                coordinate_key,
                _("Coordonnées en Lambert-93 converties en latitude et longitude."),
                WARNING,
            )
        elif looks_like_lambert93(longitude, latitude):
            latitude, longitude = lambert93_to_wgs84(longitude, latitude)
            ctx.problem(
                row,
                coordinate_key,
                _("Coordonnées en Lambert-93 converties en latitude et longitude."),
                WARNING,
            )
        if in_france(latitude, longitude):
            row.fields.update(latitude=latitude, longitude=longitude)
            row.fields["location_status"] = LocationStatus.MANUAL.value
            row.report.placed = True
        elif in_france(longitude, latitude):
            ctx.problem(
                row,
                coordinate_key,
                _(
                    "Latitude et longitude semblent inversées (%(lat)s, %(lon)s) : la "
                    "latitude est le premier nombre en France métropolitaine (vers 41 à 51)."
                )
                % {"lat": latitude, "lon": longitude},
            )
        else:
            ctx.problem(
                row,
                coordinate_key,
                _("Le point (%(lat)s, %(lon)s) est hors de France.")
                % {"lat": latitude, "lon": longitude},
            )
    place_keys = {"commune_code", "commune_name", "postcode", "departement"}
    if any(p.field in {str(FIELDS_BY_KEY[k].label) for k in place_keys} for p in row.report.errors):
        return  # a bad postal code or INSEE code: guessing from the rest would mislead
    departement = ""
    if "departement" in v:
        try:
            departement = ctx.communes.departement(v["departement"])
        except ValueProblem as problem:
            ctx.problem(row, "departement", problem.message)
            return
    code, name, postcode = (
        v.get("commune_code", ""),
        v.get("commune_name", ""),
        v.get("postcode", ""),
    )
    if not (code or name or postcode):
        if row.report.placed:
            row.needs_reverse = True  # the commune is found from the point
        else:
            ctx.problem(
                row,
                "commune_code" if ctx.mapping.column_of("commune_code") else "commune_name",
                _(
                    "Commune manquante : indiquez le code INSEE, ou la commune avec son code postal."
                ),
            )
        return
    try:
        row.commune = ctx.communes.resolve(
            code=code, name=name, postcode=postcode, departement=departement
        )
    except PlaceProblem as problem:
        ctx.problem(row, problem.key, problem.message)
        return
    if code and name and normalise_place_name(name) != normalise_place_name(row.commune.name):
        ctx.problem(
            row,
            "commune_name",
            _(
                "« %(name)s » ne correspond pas au code INSEE %(code)s (%(commune)s) : le code est retenu."
            )
            % {"name": name, "code": code, "commune": row.commune.name},
            WARNING,
        )
    row.report.commune = row.commune.label


def _resolve_centre(row: _Row, ctx: _Context, forced_centre) -> None:
    named = None
    if "centre" in row.values:
        try:
            named = ctx.centres.get(row.values["centre"])
        except ValueProblem as problem:
            ctx.problem(row, "centre", problem.message)
            return
    if forced_centre is not None:
        if named is not None and named.pk != forced_centre.pk:
            ctx.problem(
                row,
                "centre",
                _("Centre « %(named)s » remplacé par « %(forced)s », choisi pour tout le fichier.")
                % {"named": named.name, "forced": forced_centre.name},
                WARNING,
            )
        row.centre, row.centre_explicit = forced_centre, True
    elif named is not None:
        row.centre, row.centre_explicit = named, True
    elif row.commune is not None:
        row.centre = ctx.centres.for_departement(row.commune.departement)


def _resolve_contact(row: _Row, ctx: _Context) -> None:
    given = [key for key in CONTACT_FIELDS if key in row.values]
    if not given:
        return
    if row.values.get("contact_consent") is True:
        for key in given:
            row.fields[key] = row.values[key]
        row.fields["contact_consent"] = True
        return
    ctx.problem(
        row,
        given[0],
        _(
            "Contact non importé : le consentement de la personne à sa publication n'est pas "
            "indiqué (colonne « contact_consentement » à « oui »)."
        ),
        WARNING,
    )


def _reverse_geocode(rows: list[_Row], ctx: _Context) -> None:
    """The commune of the rows that only have a point (uMap), from the BAN's /reverse."""
    pending = [r for r in rows if r.needs_reverse and not r.failed]
    client = _geocoder(ctx) if pending else None
    for number, row in enumerate(pending):
        result = None
        if client is not None and number < MAX_REVERSE_GEOCODING:
            result = client.reverse(
                latitude=row.fields["latitude"], longitude=row.fields["longitude"]
            )
        commune = ctx.communes.by_code.get(result.citycode) if result and result.located else None
        if commune is None:
            ctx.problem(
                row,
                "commune_name",
                _(
                    "Commune manquante et introuvable à partir du point : ajoutez une colonne "
                    "commune ou code INSEE."
                ),
                label=str(FIELDS_BY_KEY["commune_name"].label),
            )
            continue
        row.commune = commune
        row.report.commune = commune.label
        if row.values.get("title"):
            row.source_ref = row.values.get("ref") or auto_ref(row.values["title"], commune.code)
        if not row.centre_explicit:
            row.centre = ctx.centres.for_departement(commune.departement)


def _title_key(title: str) -> str:
    return normalise_place_name(title)


def _find_in_file_duplicates(rows: list[_Row], ctx: _Context) -> None:
    seen: dict[tuple[str, str], int] = {}
    seen_refs: dict[str, int] = {}
    for row in rows:
        if row.commune is None or not row.values.get("title"):
            continue
        ref = row.values.get("ref")
        if ref:
            if ref in seen_refs:
                ctx.problem(
                    row,
                    "ref",
                    _("Identifiant « %(ref)s » déjà utilisé ligne %(line)s.")
                    % {"ref": ref, "line": seen_refs[ref]},
                )
                continue
            seen_refs[ref] = row.report.line
        key = (_title_key(row.values["title"]), row.commune.code)
        if key in seen:
            ctx.problem(
                row,
                "title",
                _("Ligne en double : même titre et même commune que la ligne %(line)s.")
                % {"line": seen[key]},
            )
            continue
        seen[key] = row.report.line


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _match_existing(rows: list[_Row], ctx: _Context) -> None:
    """Find the initiative each row is about (update) or duplicates (skip or warn)."""
    candidates = [r for r in rows if not r.failed and r.commune is not None]
    uids = [r.values["uid"] for r in candidates if isinstance(r.values.get("uid"), uuid.UUID)]
    refs = [r.source_ref for r in candidates if r.source_ref]
    found: dict[int, Initiative] = {}
    by_uid: dict[uuid.UUID, int] = {}
    by_ref: dict[str, list[int]] = defaultdict(list)
    for chunk in _chunks(uids):
        for pk, uid in Initiative.objects.filter(uid__in=chunk).values_list("pk", "uid"):
            by_uid[uid] = pk
    for chunk in _chunks(refs):
        for pk, ref in Initiative.objects.filter(source_ref__in=chunk).values_list(
            "pk", "source_ref"
        ):
            by_ref[ref].append(pk)
    # Titles of the initiatives in the same communes, for duplicates.
    by_commune: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for chunk in _chunks(sorted({r.commune.code for r in candidates})):
        for pk, commune, title, slug, porteur in Initiative.objects.filter(
            commune_id__in=chunk
        ).values_list("pk", "commune_id", "title", "slug", "porteur_name"):
            by_commune[commune].append((pk, title, slug, porteur))
    wanted: dict[int, int] = {}  # id(row) → pk
    for row in candidates:
        uid = row.values.get("uid")
        pk = by_uid.get(uid) if isinstance(uid, uuid.UUID) else None
        if pk is None and row.source_ref in by_ref:
            pks = by_ref[row.source_ref]
            pk = pks[0]
        if pk is not None:
            wanted[id(row)] = pk
    for chunk in _chunks(sorted(set(wanted.values()))):
        for initiative in (
            Initiative.objects.filter(pk__in=chunk)
            .select_related("commune", "centre", "principal_theme")
            .prefetch_related("themes", "links")
        ):
            found[initiative.pk] = initiative
    for row in candidates:
        target = found.get(wanted.get(id(row), -1))
        if target is not None:
            row.target = target
            row.report.slug = target.slug
            _plan_update(row, ctx)
            continue
        title_key = _title_key(row.values["title"])
        same = [e for e in by_commune.get(row.commune.code, []) if _title_key(e[1]) == title_key]
        if same:
            row.report.action = DUPLICATE
            row.report.slug = same[0][2]
            ctx.problem(
                row,
                "title",
                _(
                    "Doublon probable de l'initiative « %(title)s » (/initiatives/%(slug)s/), "
                    "même titre dans la même commune : ligne non importée. Pour la mettre à "
                    "jour, ajoutez son identifiant (colonne « uid »)."
                )
                % {"title": same[0][1], "slug": same[0][2]},
                WARNING,
            )
            continue
        porteur_key = _title_key(row.fields.get("porteur_name", ""))
        for _pk, title, slug, porteur in by_commune.get(row.commune.code, []):
            similar = SequenceMatcher(None, title_key, _title_key(title)).ratio()
            if similar >= SIMILAR_TITLE_RATIO or (
                porteur_key and porteur_key == _title_key(porteur) and similar >= 0.5
            ):
                ctx.problem(
                    row,
                    "title",
                    _(
                        "Doublon possible de « %(title)s » (/initiatives/%(slug)s/) dans la même commune : vérifiez."
                    )
                    % {"title": title, "slug": slug},
                    WARNING,
                )
                break
        row.report.action = CREATE


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        return old is not None and new is not None and abs(float(old) - float(new)) < 1e-9
    if isinstance(old, str) or isinstance(new, str):
        return values.text(old or "") == values.text(new or "")
    return old == new


def _plan_update(row: _Row, ctx: _Context) -> None:
    target = row.target
    changes: list[str] = []
    update: dict[str, Any] = {}
    for key, value in row.fields.items():
        if key == "location_status":
            continue
        if not _same(getattr(target, key), value):
            update[key] = value
            label = FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else key
            changes.append(str(label))
    if "latitude" in update or "longitude" in update:
        update["latitude"], update["longitude"] = row.fields["latitude"], row.fields["longitude"]
        update["location_status"] = LocationStatus.MANUAL.value
    if row.commune is not None and row.commune.code != target.commune_id:
        update["commune_code"] = row.commune.code
        changes.append(str(FIELDS_BY_KEY["commune_name"].label))
    if row.themes:
        current = [t.slug for t in target.themes.all()]
        if set(current) != set(row.themes) or target.principal_theme.slug != row.principal_theme:
            update["theme_slugs"] = row.themes
            update["principal_theme_slug"] = row.principal_theme
            changes.append(str(FIELDS_BY_KEY["themes"].label))
    if row.centre_explicit and row.centre is not None and row.centre.pk != target.centre_id:
        ctx.problem(
            row,
            "centre",
            _(
                "Le centre d'une initiative existante ne change pas par import (il reste « %(centre)s »)."
            )
            % {"centre": target.centre.name if target.centre else _("équipe nationale")},
            WARNING,
        )
    if row.links:
        current_links = [(link.url, link.label) for link in target.links.all()]
        if current_links != row.links:
            ctx.problem(
                row,
                "links",
                _("Les liens d'une initiative existante ne sont pas modifiés par import."),
                WARNING,
            )
    row.update = update
    row.report.changes = changes
    row.report.action = UPDATE if update else UNCHANGED
    if target.latitude is not None:
        row.report.placed = True


def _geocoder(ctx: _Context):
    if not ctx.options.geocode:
        return None
    if ctx.options.geocoder is not None:
        return ctx.options.geocoder
    try:
        from pepites.territories.geocoding import geocoder
    except ImportError:  # the geocoding module is optional
        return None
    ctx.options.geocoder = geocoder()
    return ctx.options.geocoder


def _address_query(row: _Row) -> str:
    """The address with its commune's name (the BAN ranks better with it)."""
    address = row.fields["address"]
    if normalise_place_name(row.commune.name) in normalise_place_name(address):
        return address
    return f"{address} {row.commune.name}"


def _geocode(rows: list[_Row], ctx: _Context) -> None:
    """Place the rows that have an address but no point, in batches; the others are listed."""
    to_place = [
        r
        for r in rows
        if not r.failed
        and r.report.action in {CREATE, UPDATE}
        and not r.report.placed
        and r.commune is not None
    ]
    with_address = [r for r in to_place if r.fields.get("address")]
    client = _geocoder(ctx) if with_address else None
    results = {}
    if client is not None:
        from pepites.territories.geocoding import STATUS_LABELS, BatchAddress

        _progress(ctx.options, "geocode", 0, len(with_address))
        results = client.search_batch(
            [
                BatchAddress(key=str(i), address=_address_query(r), citycode=r.commune.code)
                for i, r in enumerate(with_address)
            ]
        )
        _progress(ctx.options, "geocode", len(with_address), len(with_address))
    for index, row in enumerate(with_address):
        result = results.get(str(index))
        if result is None:
            ctx.problem(
                row,
                "address",
                _(
                    "Adresse non géocodée (géocodage désactivé) : l'initiative ne sera pas placée sur la carte."
                ),
                WARNING,
            )
            continue
        target = row.update if row.report.action == UPDATE else row.fields
        target["location_status"] = result.status.value
        if result.located:
            target.update(latitude=result.latitude, longitude=result.longitude)
            row.report.placed = True
            if row.report.action == UPDATE:
                row.report.changes.append(_("position sur la carte"))
        if result.needs_review:
            message = str(STATUS_LABELS[result.status])
            if result.message:
                message += f" ({result.message})"
            ctx.problem(row, "address", message, WARNING)
        if result.located and result.citycode and result.citycode != row.commune.code:
            ctx.problem(
                row,
                "address",
                _(
                    "L'adresse trouvée (%(label)s) n'est pas dans la commune %(commune)s : vérifiez le point."
                )
                % {"label": result.label, "commune": row.commune.label},
                WARNING,
            )
    for row in to_place:
        if not row.fields.get("address") and row.report.action == CREATE:
            ctx.problem(
                row,
                "address",
                _("Ni adresse ni coordonnées : l'initiative ne sera pas placée sur la carte."),
                WARNING,
            )


_EXCLUDED_FROM_CLEAN = [
    "slug",
    "uid",
    "commune",
    "principal_theme",
    "centre",
    "version",
    "qpv_relation",
]


def _model_errors(instance: Initiative) -> dict[str, list[str]]:
    try:
        instance.clean_fields(exclude=_EXCLUDED_FROM_CLEAN)
        instance.clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _check_model(row: _Row, ctx: _Context) -> None:
    if row.failed or row.report.action not in {CREATE, UPDATE}:
        return
    if row.report.action == CREATE:
        instance = Initiative(
            title=row.values.get("title", ""),
            summary=row.fields.get("summary", ""),
            porteur_name=row.fields.get("porteur_name", ""),
            source_ref=row.source_ref,
        )
        fields = row.fields
    else:
        instance = copy.copy(row.target)
        fields = {
            k: v
            for k, v in row.update.items()
            if k not in {"commune_code", "theme_slugs", "principal_theme_slug"}
        }
    for key, value in fields.items():
        setattr(instance, key, value)
    for name, messages in _model_errors(instance).items():
        key = MODEL_TO_KEY.get(name, name)
        for message in messages:
            ctx.problem(row, key if key in FIELDS_BY_KEY else "", message)


def _check_rights(row: _Row, ctx: _Context) -> None:
    user = ctx.options.user
    if user is None or row.failed:
        return
    if row.report.action == CREATE and not can_create_initiative(user, centre=row.centre):
        ctx.problem(
            row,
            "centre" if row.centre_explicit else "",
            _("Vous ne pouvez pas créer d'initiative pour %(centre)s.")
            % {"centre": f"« {row.centre.name} »" if row.centre else _("l'équipe nationale")},
            label=str(FIELDS_BY_KEY["centre"].label),
        )
    elif row.report.action == UPDATE and not can_edit_initiative(user, row.target):
        ctx.problem(
            row,
            "",
            _("Vous ne pouvez pas modifier l'initiative « %(title)s ».")
            % {"title": row.target.title},
        )


# --- Writing ------------------------------------------------------------------------------------


def _write_problems(row: _Row, exc: Exception) -> list[Problem]:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        problems = []
        for name, messages in exc.message_dict.items():
            key = MODEL_TO_KEY.get(name, name)
            label = str(FIELDS_BY_KEY[key].label) if key in FIELDS_BY_KEY else name
            problems += [Problem(m, line=row.report.line, field=label) for m in messages]
        return problems
    message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
    return [Problem(message, line=row.report.line)]


def _write(rows: list[_Row], options: ImportOptions, report: ImportReport) -> None:
    todo = [r for r in rows if r.report.action in {CREATE, UPDATE}]
    reason = _("Import du fichier « %(name)s »") % {"name": options.filename or "?"}
    user = options.user
    try:
        with transaction.atomic():
            for done, row in enumerate(todo, start=1):
                savepoint = transaction.savepoint() if options.skip_invalid else None
                try:
                    if row.report.action == CREATE:
                        initiative = create_initiative(
                            title=row.values["title"],
                            summary=row.fields.pop("summary"),
                            porteur_name=row.fields.pop("porteur_name"),
                            commune_code=row.commune.code,
                            theme_slugs=row.themes,
                            principal_theme_slug=row.principal_theme,
                            centre_slug=row.centre.slug if row.centre else "",
                            links=row.links,
                            source_ref=row.source_ref,
                            status=row.fields.pop("status", options.status),
                            history_user=user,
                            history_reason=reason,
                            **{k: v for k, v in row.fields.items() if k != "title"},
                        )
                        row.report.slug = initiative.slug
                    else:
                        target = Initiative.objects.get(pk=row.target.pk)
                        update_initiative(
                            initiative=target,
                            expected_version=row.target.version,
                            history_user=user,
                            history_reason=reason,
                            **row.update,
                        )
                except (ValidationError, ConflictError, Initiative.DoesNotExist) as exc:
                    if isinstance(exc, Initiative.DoesNotExist):
                        exc = ValidationError(_("L'initiative a été supprimée entre-temps."))
                    row.report.problems += _write_problems(row, exc)
                    row.report.action = INVALID
                    if savepoint is None:
                        raise _Abort from exc
                    transaction.savepoint_rollback(savepoint)
                else:
                    if savepoint is not None:
                        transaction.savepoint_commit(savepoint)
                if done % 50 == 0 or done == len(todo):
                    _progress(options, "write", done, len(todo))
    except _Abort:
        report.committed = False
        return
    report.committed = True
