"""Each row's values resolved into the fields of an initiative: the texts (a summary too long
moves to the context), the porteur, the themes, the place (`places`), the centre, the
contact (only with the person's consent), the identifiers and the links.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pepites.core.richtext import clean_markdown
from pepites.initiatives.field_groups import RICH_TEXT_FIELDS
from pepites.initiatives.imports import values
from pepites.initiatives.imports.fields import FIELDS
from pepites.initiatives.imports.places import resolve_place
from pepites.initiatives.imports.report import WARNING
from pepites.initiatives.imports.rows import Row, RowContext, auto_ref
from pepites.initiatives.imports.values import ValueProblem
from pepites.initiatives.services import (
    EDITABLE_FIELDS,
    check_contact_consent,
    check_principal_theme,
)

SUMMARY_MAX = 600
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
# Our fields that are plain fields of the model, written as they are read; but the point
# (checked by `places`) and the contact (only with the person's consent).
DIRECT_FIELDS = tuple(
    f.key
    for f in FIELDS
    if f.key in EDITABLE_FIELDS
    and f.key not in {"latitude", "longitude", *CONTACT_FIELDS, "contact_consent"}
)


def resolve_row(row: Row, ctx: RowContext, forced_centre) -> None:
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
    resolve_place(row, ctx)
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
    if "inspired_by" in v:
        row.inspired_by = v["inspired_by"]
    if "links" in v:
        row.links = [(link, label[:150]) for link, label in v["links"] if len(link) <= 500]
    if row.commune is not None and v.get("title"):
        row.source_ref = v.get("ref") or auto_ref(v["title"], row.commune.code)
    # The rich text as it will be stored (the services clean it too): a re-import of the
    # same text with an HTML tag in it is then unchanged, not a new version each time.
    for name in RICH_TEXT_FIELDS:
        if name in fields:
            fields[name] = clean_markdown(fields[name])


def _shorten(text: str, limit: int) -> str:
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _resolve_themes(row: Row, ctx: RowContext) -> None:
    v = row.values
    slugs: list[str] = []
    source = ""
    listed: dict[str, list[str]] = {}
    for key in ("principal_theme", "themes"):
        if key not in v:
            continue
        found, unknown = ctx.themes.match(v[key])
        listed[key] = found
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
    if listed.get("principal_theme") and listed.get("themes"):
        # Both columns: the services' rule (a principal theme among the themes).
        try:
            check_principal_theme(
                principal_theme=listed["principal_theme"][0], themes=listed["themes"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                ctx.problem(row, "principal_theme", message)
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


def _resolve_centre(row: Row, ctx: RowContext, forced_centre) -> None:
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


def _resolve_contact(row: Row, ctx: RowContext) -> None:
    given = [key for key in CONTACT_FIELDS if key in row.values]
    if not given:
        return
    try:
        check_contact_consent(
            **{key: row.values[key] for key in given},
            consent=row.values.get("contact_consent") is True,
        )
    except ValidationError as exc:
        # The row is imported without its contact: a warning, not an error.
        for message in exc.messages:
            ctx.problem(row, given[0], f"{message} {_('Contact non importé.')}", WARNING)
        return
    for key in given:
        row.fields[key] = row.values[key]
    row.fields["contact_consent"] = True
