"""Rows kept to be placed later: an import's rows with a point but no commune, when the
address service could not answer (`places.reverse_geocode`, with the `place_later` option).

`keep_deferred_rows` stores them (in the import's transaction); `place_pending_rows` (a
periodic job) finds each commune from its point, offline first (communes' and QPV
outlines), else from the BAN's /reverse (stopping at the first unavailable answer), then
creates the initiative as the import would have, under the importer's rights.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.initiatives.imports.models import PendingPlacement
from pepites.initiatives.imports.report import DEFERRED
from pepites.initiatives.imports.rows import Row, RowContext, auto_ref
from pepites.initiatives.models import Initiative
from pepites.initiatives.permissions import can_create_initiative
from pepites.initiatives.porteurs import link_porteurs
from pepites.initiatives.services import create_initiative
from pepites.network.selectors import centre_for_commune
from pepites.territories.commune_index import communes_for_points
from pepites.territories.geocoding import geocoder as make_geocoder
from pepites.territories.models import Commune
from pepites.territories.qpv_communes import communes_from_qpvs

BATCH = 200
# After this many tries (one per run of the job), a row is no longer tried; it stays listed.
MAX_ATTEMPTS = 48


def keep_deferred_rows(rows: list[Row], ctx: RowContext) -> int:
    kept = []
    for row in rows:
        if row.report.action != DEFERRED:
            continue
        fields = {
            k: v for k, v in row.fields.items() if k not in {"title", "summary", "porteur_name"}
        }
        fields.setdefault("status", str(ctx.options.status))
        data = {
            "title": row.values["title"],
            "summary": row.fields["summary"],
            "porteur_name": row.fields["porteur_name"],
            "theme_slugs": sorted({row.principal_theme, *row.themes}),
            "principal_theme_slug": row.principal_theme,
            "links": [list(link) for link in row.links],
            "ref": row.values.get("ref", ""),
            "siret": row.values.get("siret", ""),
            "fields": fields,
        }
        kept.append(
            PendingPlacement(
                created_by=ctx.options.user,
                filename=(ctx.options.filename or "?")[:200],
                line=row.report.line,
                title=row.values["title"][:200],
                centre_slug=(
                    row.centre.slug if row.centre_explicit and row.centre is not None else ""
                ),
                latitude=row.fields["latitude"],
                longitude=row.fields["longitude"],
                data=data,
            )
        )
    PendingPlacement.objects.bulk_create(kept)
    return len(kept)


def _offline_communes(pending: list[PendingPlacement]) -> list[str]:
    points = [(p.longitude, p.latitude) for p in pending]
    found = communes_for_points(points)
    missing = [i for i, code in enumerate(found) if not code]
    for i, code in zip(missing, communes_from_qpvs([points[i] for i in missing]), strict=True):
        found[i] = code
    return found


def place_pending_rows(*, geocoder=None, limit: int = BATCH) -> dict[str, int]:
    """Try to place the rows kept; returns the counts (placed, waiting, failed)."""
    pending = list(PendingPlacement.objects.filter(attempts__lt=MAX_ATTEMPTS)[:limit])
    counts = {"placed": 0, "waiting": 0, "failed": 0}
    if not pending:
        return counts
    offline = _offline_communes(pending)
    own = geocoder is None
    client = None
    unreachable = ""
    try:
        for entry, code in zip(pending, offline, strict=True):
            if not code and not unreachable:
                if client is None:
                    client = geocoder or make_geocoder()
                result = client.reverse(latitude=entry.latitude, longitude=entry.longitude)
                if result.status == "unavailable":
                    unreachable = result.message
                elif result.located:
                    code = result.citycode
            if not code:
                _retry_later(entry, unreachable or _("Commune introuvable à partir du point."))
                counts["waiting"] += 1
                continue
            counts["placed" if _create(entry, code) else "failed"] += 1
    finally:
        if own and client is not None:
            client.close()
    return counts


def _retry_later(entry: PendingPlacement, problem: str) -> None:
    PendingPlacement.objects.filter(pk=entry.pk).update(
        attempts=entry.attempts + 1, last_error=problem[:300], tried_at=timezone.now()
    )


@transaction.atomic
def _create(entry: PendingPlacement, commune_code: str) -> bool:
    data = entry.data
    commune = Commune.objects.filter(code=commune_code).first()
    if commune is None:
        _retry_later(entry, _("Commune %(code)s inconnue.") % {"code": commune_code})
        return False
    source_ref = data.get("ref") or auto_ref(data["title"], commune_code)
    if Initiative.objects.filter(source_ref=source_ref).exists():
        entry.delete()  # imported again meanwhile, with its commune
        return True
    user = entry.created_by
    centre = centre_for_commune(commune_code=commune.code)
    if (
        user is not None
        and not entry.centre_slug
        and not can_create_initiative(user, centre=centre)
    ):
        _retry_later(
            entry,
            _("Vous ne pouvez pas créer d'initiative pour la commune %(commune)s.")
            % {"commune": commune.name},
        )
        PendingPlacement.objects.filter(pk=entry.pk).update(attempts=MAX_ATTEMPTS)
        return False
    try:
        with transaction.atomic():
            initiative = create_initiative(
                title=data["title"],
                summary=data["summary"],
                porteur_name=data["porteur_name"],
                commune_code=commune_code,
                theme_slugs=data["theme_slugs"],
                principal_theme_slug=data["principal_theme_slug"],
                centre_slug=entry.centre_slug or None,
                links=[tuple(link) for link in data.get("links", [])],
                history_user=user,
                history_reason=_("Import du fichier « %(name)s » (placée plus tard)")
                % {"name": entry.filename},
                source_ref=source_ref,
                **data.get("fields", {}),
            )
    except ValidationError as exc:
        _retry_later(entry, "; ".join(exc.messages))
        PendingPlacement.objects.filter(pk=entry.pk).update(attempts=MAX_ATTEMPTS)
        return False
    if data.get("siret"):
        link_porteurs(initiative_ids=[initiative.pk], sirets={initiative.pk: data["siret"]})
    entry.delete()
    return True


def pending_rows(*, user) -> list[PendingPlacement]:
    """The rows the user imported that wait for their commune."""
    return list(PendingPlacement.objects.filter(created_by=user))
