"""Initiatives and their porteurs as organisations (pepites.organisations).

- Linking: each initiative points to an organisation; a new porteur name finds the
  organisation with the same SIRET, or the same exact name in the same commune, or a new one.
  Two spellings are never joined here: `merge_proposals` lists the organisations whose
  normalised names meet in one commune, and a person merges them (`merge_organisations`).
- Closures: `check_closures` (a nightly job) asks the directory of companies again about
  the SIRETs, and `closed_porteur_initiatives` lists the initiatives whose porteur closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.initiatives.selectors import published_initiatives
from pepites.organisations.models import AdministrativeState, Organisation
from pepites.organisations.names import normalise_name
from pepites.organisations.selectors import duplicate_name_keys, organisations_to_check
from pepites.organisations.services import apply_directory_record
from pepites.organisations.sirene import LookupStatus, SireneClient, sirene
from pepites.organisations.validators import clean_siret

# --- Linking ----------------------------------------------------------------------------------


@transaction.atomic
def link_porteurs(*, initiative_ids: Iterable[int], sirets: Mapping[int, str] | None = None) -> int:
    """Point each initiative whose porteur has no organisation yet, was renamed, or is given
    another SIRET to its organisation (see the module doc), a few queries per 500
    initiatives (the file import links thousands at once). Returns how many changed."""
    sirets = {pk: clean_siret(s) for pk, s in (sirets or {}).items() if clean_siret(s)}
    ids = list(initiative_ids)
    changed = 0
    for start in range(0, len(ids), 500):
        changed += _link_batch(ids[start : start + 500], sirets)
    return changed


def _link_batch(ids: list[int], sirets: Mapping[int, str]) -> int:
    rows = Initiative.objects.filter(pk__in=ids).values(
        "pk",
        "porteur_name",
        "porteur_kind",
        "commune_id",
        "is_demo",
        "organisation_id",
        "organisation__normalised_name",
        "organisation__siret",
    )
    pending = []
    for row in rows:
        siret = sirets.get(row["pk"], "")
        # Kept while the porteur's name reads the same (a merge keeps the other spelling)
        # and no other SIRET is given.
        if (
            row["organisation_id"] is not None
            and row["organisation__normalised_name"] == normalise_name(row["porteur_name"])
            and (not siret or row["organisation__siret"] == siret)
        ):
            continue
        pending.append((row, siret))
    if not pending:
        return 0
    by_siret = {
        o.siret: o for o in Organisation.objects.filter(siret__in={s for _r, s in pending if s})
    }
    by_name: dict[tuple[str, str | None], Organisation] = {}
    for named in Organisation.objects.filter(
        name__in={r["porteur_name"] for r, _s in pending},
        commune_id__in={r["commune_id"] for r, _s in pending},
    ).order_by("-pk"):
        key = (named.name, named.commune_id)
        if named.siret == "" or key not in by_name:  # the first without a SIRET wins
            by_name[key] = named
    new: dict[tuple, Organisation] = {}
    with_siret: list[Organisation] = []
    chosen: list[tuple[int, Organisation]] = []
    for row, siret in pending:
        key = (row["porteur_name"], row["commune_id"])
        organisation: Organisation | None = by_siret.get(siret) if siret else None
        if organisation is None:
            found = by_name.get(key)
            if found is not None and (not siret or found.siret in {"", siret}):
                organisation = found
                if siret and not found.siret:
                    found.siret = siret
                    by_siret[siret] = found
                    with_siret.append(found)
        if organisation is None:
            organisation = new.get((*key, siret))
        if organisation is None:
            organisation = Organisation(
                name=row["porteur_name"],
                normalised_name=normalise_name(row["porteur_name"]),
                kind=row["porteur_kind"],
                siret=siret,
                commune_id=row["commune_id"],
                is_demo=row["is_demo"],
            )
            new[(*key, siret)] = organisation
            if siret:
                by_siret[siret] = organisation
            else:
                by_name[key] = organisation
        chosen.append((row["pk"], organisation))
    Organisation.objects.bulk_create(list(new.values()))
    Organisation.objects.bulk_update(with_siret, ["siret"])
    linked = [
        Initiative(pk=pk, organisation=organisation)
        for (pk, organisation), (row, _s) in zip(chosen, pending, strict=True)
        if row["organisation_id"] != organisation.pk
    ]
    Initiative.objects.bulk_update(linked, ["organisation"])
    return len(linked)


# --- Merge proposals --------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeProposal:
    normalised_name: str
    commune_id: str | None
    organisations: list[Organisation]

    @property
    def key(self) -> str:
        return f"{self.commune_id or '-'}:{self.normalised_name}"


def merge_proposals(*, initiatives: QuerySet[Initiative] | None = None) -> list[MergeProposal]:
    """Organisations of the same normalised name in the same commune, to merge or not; only
    the groups where `initiatives` (the user's) has a porteur, when given."""
    keys = duplicate_name_keys()
    if not keys:
        return []
    wanted = Q()
    for name, commune in keys:
        wanted |= Q(normalised_name=name, commune_id=commune)
    organisations = (
        Organisation.objects.filter(wanted)
        .select_related("commune")
        .annotate(n_initiatives=Count("initiatives"))
        .order_by("normalised_name", "commune_id", "pk")
    )
    mine = (
        set(initiatives.exclude(organisation=None).values_list("organisation_id", flat=True))
        if initiatives is not None
        else None
    )
    groups: dict[tuple, list[Organisation]] = {}
    for organisation in organisations:
        groups.setdefault((organisation.normalised_name, organisation.commune_id), []).append(
            organisation
        )
    return [
        MergeProposal(name, commune, members)
        for (name, commune), members in groups.items()
        if len(members) > 1
        and not all(m.kept_apart for m in members)
        and (mine is None or any(m.pk in mine for m in members))
    ]


def keep_apart(*, organisations: Iterable[Organisation]) -> int:
    """Say these organisations are different porteurs: no longer proposed for merging."""
    return Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(kept_apart=True)


@transaction.atomic
def merge_organisations(*, target: Organisation, others: Iterable[Organisation]) -> int:
    """Move the initiatives of `others` to `target`, complete its empty fields from them,
    and delete them. Returns how many initiatives moved."""
    others = [o for o in others if o.pk != target.pk]
    moved = 0
    siret = ""
    for other in others:
        moved += Initiative.objects.filter(organisation=other).update(organisation=target)
        Initiative.history.filter(organisation=other).update(organisation=target)
        for name in ("website", "legal_name", "naf_code", "headcount_band"):
            if not getattr(target, name) and getattr(other, name):
                setattr(target, name, getattr(other, name))
        siret = siret or other.siret
        other.delete()
    if siret and not target.siret:  # freed by the delete above (the SIRET is unique)
        target.siret = siret
    target.normalised_name = normalise_name(target.name)
    target.save()
    return moved


# --- Closures ---------------------------------------------------------------------------------


def closed_porteur_initiatives(*, initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The initiatives (not archived) whose porteur the directory shows as closed."""
    return (
        initiatives.filter(organisation__administrative_state=AdministrativeState.CLOSED)
        .exclude(status=InitiativeStatus.ARCHIVED)
        .select_related("organisation", "commune", "centre")
        .order_by("organisation__name", "title")
    )


def check_closures(*, client: SireneClient | None = None, limit: int | None = None) -> dict:
    """Look up again the organisations with a SIRET not checked for a while; count the
    newly closed ones. Stops at the first unavailable answer (the next night retries)."""
    limit = limit if limit is not None else settings.SIRENE_CHECK_BATCH
    counts = {"checked": 0, "closed": 0, "not_found": 0, "unavailable": 0}
    own = client is None
    client = client or sirene()
    try:
        for organisation in organisations_to_check(
            every_days=settings.SIRENE_CHECK_EVERY_DAYS, limit=limit
        ):
            record = client.lookup_siret(organisation.siret)
            if record.status is LookupStatus.UNAVAILABLE:
                counts["unavailable"] += 1
                break
            counts["checked"] += 1
            if record.status is LookupStatus.NOT_FOUND:
                counts["not_found"] += 1
                Organisation.objects.filter(pk=organisation.pk).update(looked_up_at=timezone.now())
                continue
            if apply_directory_record(organisation=organisation, record=record):
                counts["closed"] += 1
    finally:
        if own:
            client.close()
    return counts


# --- Reading ----------------------------------------------------------------------------------


def organisation_initiatives(*, organisation: Organisation) -> QuerySet[Initiative]:
    """The published initiatives of an organisation, in every centre."""
    return (
        published_initiatives()
        .filter(organisation=organisation)
        .select_related("commune", "centre", "principal_theme")
        .prefetch_related("themes")
        .order_by("title")
    )
