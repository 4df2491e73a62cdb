"""Which initiative a row is about, on a re-import, and which rows are duplicates.

A row is the same initiative as an existing one when it carries its `uid` (our exports
do), or the same identifier in the file (column "id", "référence"…), or else the same title
in the same commune as an initiative imported before (the key "auto:…" stored in
`source_ref`, see `rows.auto_ref`). An initiative typed by hand with that title and
commune is reported as a probable duplicate and not imported again. For an existing
initiative, `plan_update` lists what the row changes.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from difflib import SequenceMatcher
from typing import Any

from django.utils.translation import gettext as _

from pepites.initiatives.imports import values
from pepites.initiatives.imports.fields import FIELDS_BY_KEY
from pepites.initiatives.imports.report import CREATE, DUPLICATE, UNCHANGED, UPDATE, WARNING
from pepites.initiatives.imports.rows import Row, RowContext, chunks
from pepites.initiatives.models import (
    Initiative,
    InitiativeInspiration,
    InitiativeLink,
    LocationStatus,
    Theme,
)
from pepites.network.models import Centre
from pepites.territories.selectors import normalise_place_name

SIMILAR_TITLE_RATIO = 0.85


def _title_key(title: str) -> str:
    return normalise_place_name(title)


def find_in_file_duplicates(rows: list[Row], ctx: RowContext) -> None:
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


def match_existing(rows: list[Row], ctx: RowContext) -> None:
    """Find the initiative each row is about (update) or duplicates (skip or warn)."""
    candidates = [r for r in rows if not r.failed and r.commune is not None]
    uids = [r.values["uid"] for r in candidates if isinstance(r.values.get("uid"), uuid.UUID)]
    refs = [r.source_ref for r in candidates if r.source_ref]
    found: dict[int, Initiative] = {}
    by_uid: dict[uuid.UUID, int] = {}
    by_ref: dict[str, list[int]] = defaultdict(list)
    for chunk in chunks(uids):
        for pk, uid in Initiative.objects.filter(uid__in=chunk).values_list("pk", "uid"):
            by_uid[uid] = pk
    for chunk in chunks(refs):
        for pk, ref in Initiative.objects.filter(source_ref__in=chunk).values_list(
            "pk", "source_ref"
        ):
            by_ref[ref].append(pk)
    # Titles of the initiatives in the same communes, for duplicates.
    by_commune: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for chunk in chunks(sorted({r.commune.code for r in candidates})):
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
    for chunk in chunks(sorted(set(wanted.values()))):
        for initiative in Initiative.objects.filter(pk__in=chunk):
            found[initiative.pk] = initiative
    existing = _Existing(
        list(found.values()),
        inspired=any(row.inspired_by for row in candidates if id(row) in wanted),
    )
    for row in candidates:
        target = found.get(wanted.get(id(row), -1))
        if target is not None:
            row.target = target
            row.report.slug = target.slug
            plan_update(row, ctx, existing)
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


class _Existing:
    """What the rows are compared with beside the initiatives' own fields: their themes,
    links, centres' names and sources, read in a few queries per 500 initiatives (not as
    related objects: building them cost more than the rest of the comparison)."""

    def __init__(self, initiatives: list[Initiative], *, inspired: bool) -> None:
        pks = [initiative.pk for initiative in initiatives]
        self.theme_slug = dict(Theme.objects.values_list("pk", "slug"))
        centres = {initiative.centre_id for initiative in initiatives} - {None}
        self.centre_names = dict(Centre.objects.filter(pk__in=centres).values_list("pk", "name"))
        self.themes: dict[int, list[str]] = defaultdict(list)
        self.links: dict[int, list[tuple[str, str]]] = defaultdict(list)
        self.sources: dict[int, set[uuid.UUID]] = defaultdict(set)
        through = Initiative.themes.through
        for chunk in chunks(pks):
            for pk, theme_id in through.objects.filter(initiative_id__in=chunk).values_list(
                "initiative_id", "theme_id"
            ):
                self.themes[pk].append(self.theme_slug[theme_id])
            for pk, url, label in InitiativeLink.objects.filter(
                initiative_id__in=chunk
            ).values_list("initiative_id", "url", "label"):  # in the model's order
                self.links[pk].append((url, label))
            if inspired:
                for pk, uid in InitiativeInspiration.objects.filter(
                    reproduction_id__in=chunk
                ).values_list("reproduction_id", "source__uid"):
                    self.sources[pk].add(uid)

    def centre_name(self, target: Initiative) -> str:
        if target.centre_id is None:
            return str(_("équipe nationale"))
        return self.centre_names[target.centre_id]


def _same(old: Any, new: Any) -> bool:
    if type(old) is type(new) and old == new:  # most fields of a re-imported row
        return True
    if isinstance(old, float) or isinstance(new, float):
        return old is not None and new is not None and abs(float(old) - float(new)) < 1e-9
    if isinstance(old, str) or isinstance(new, str):
        return values.text(old or "") == values.text(new or "")
    return old == new


def plan_update(row: Row, ctx: RowContext, existing: _Existing) -> None:
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
        current = existing.themes[target.pk]
        principal = existing.theme_slug.get(target.principal_theme_id)
        if set(current) != set(row.themes) or principal != row.principal_theme:
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
            % {"centre": existing.centre_name(target)},
            WARNING,
        )
    if row.links and existing.links[target.pk] != row.links:
        ctx.problem(
            row,
            "links",
            _("Les liens d'une initiative existante ne sont pas modifiés par import."),
            WARNING,
        )
    # "Inspirée de": links are added by import, never removed (see writer._link_inspirations).
    new_sources = False
    if row.inspired_by and set(row.inspired_by) - existing.sources[target.pk]:
        new_sources = True
        changes.append(str(FIELDS_BY_KEY["inspired_by"].label))
    row.update = update
    row.report.changes = changes
    row.report.action = UPDATE if update or new_sources else UNCHANGED
    if target.latitude is not None:
        row.report.placed = True
