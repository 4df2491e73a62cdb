"""After writing: each imported initiative points to its porteur's organisation, found by
the file's SIRET column (when given) or by its exact name in its commune (see
`initiatives.porteurs`)."""

from __future__ import annotations

from pepites.initiatives.imports.report import CREATE, UPDATE
from pepites.initiatives.imports.rows import Row
from pepites.initiatives.models import Initiative
from pepites.initiatives.porteurs import link_porteurs


def link_imported_porteurs(rows: list[Row], written: list[int]) -> None:
    if not written:
        return
    with_siret = [r for r in rows if "siret" in r.values]
    by_slug = {r.report.slug: r.values["siret"] for r in with_siret if r.report.action == CREATE}
    sirets = {
        r.target.pk: r.values["siret"]
        for r in with_siret
        if r.report.action == UPDATE and r.target is not None
    }
    if by_slug:
        found = Initiative.objects.filter(slug__in=list(by_slug)).values_list("pk", "slug")
        sirets |= {pk: by_slug[slug] for pk, slug in found}
    link_porteurs(initiative_ids=written, sirets=sirets)
